package org.mailhive.imap.session;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mailhive.account.AccountProtocol;
import org.mailhive.account.Folder;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;

/**
 * LIST with the extensions of RFC 5258 (LIST-EXTENDED: selection options, several patterns, RETURN options,
 * \Subscribed, \NonExistent, CHILDINFO), RFC 5819 (LIST-STATUS) and RFC 6154 (SPECIAL-USE); a plain RFC 3501 LIST
 * is the case with no options. The request record, its parser and the LIST lines it selects; the session adds the
 * STATUS lines, which need the mailboxes. It lives beside {@link ListPattern}, the wildcard matcher it uses.
 */
record ListCommand(Set<String> selection, String reference, List<String> patterns, Set<String> returns,
                   List<String> statusItems, boolean utf8Names) {
  static final String CAPABILITIES = "LIST-EXTENDED LIST-STATUS";
  private static final String DELIMITER = "/";
  /** RFC 5258 §3.1 and RFC 6154 §4; REMOTE is accepted and means nothing here, as there are no remote mailboxes. */
  private static final Set<String> SELECTION_OPTIONS = Set.of("SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE");
  /** RFC 5258 §3.2, RFC 5819 and RFC 6154 §4. */
  private static final Set<String> RETURN_OPTIONS = Set.of("SUBSCRIBED", "CHILDREN", "STATUS", "SPECIAL-USE");

  /** One LIST line, and the folder whose STATUS follows it (RFC 5819 §2), or null. */
  record Line(String text, Folder status) {}

  /**
   * list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts] (RFC 5258 §6), where
   * mbox-or-pat is one pattern or a parenthesised list of them.
   */
  static ListCommand parse(ImapArgs args, Set<String> statusItemNames) throws ImapParseException {
    args.sp();
    Set<String> selection = new LinkedHashSet<>();
    if (args.peek('(')) {
      options(args, SELECTION_OPTIONS, selection, null, null);
      // RFC 5258 §3.1: RECURSIVEMATCH alone says nothing to recurse on, "the server MUST return BAD".
      if (selection.contains("RECURSIVEMATCH") && selection.stream().allMatch(o -> o.equals("RECURSIVEMATCH")
          || o.equals("REMOTE"))) {
        throw new ImapParseException("RECURSIVEMATCH needs another selection option");
      }
      args.sp();
    }
    String reference = args.mailboxName(args.astring());
    args.sp();
    List<String> patterns = new ArrayList<>();
    if (args.peek('(')) {
      args.openParen();
      patterns.add(pattern(args));
      while (!args.tryCloseParen()) {
        args.sp();
        patterns.add(pattern(args));
      }
    } else {
      patterns.add(pattern(args));
    }
    Set<String> returns = new LinkedHashSet<>();
    List<String> statusItems = new ArrayList<>();
    if (args.tryConsumeSpace()) {
      if (!args.atom().equalsIgnoreCase("RETURN")) {
        throw new ImapParseException("expected RETURN");
      }
      args.sp();
      options(args, RETURN_OPTIONS, returns, statusItemNames, statusItems);
    }
    args.end();
    return new ListCommand(selection, reference, patterns, returns, statusItems, args.utf8Accepted());
  }

  private static void options(ImapArgs args, Set<String> known, Set<String> out, Set<String> statusItemNames,
                              List<String> statusItems) throws ImapParseException {
    args.openParen();
    while (!args.tryCloseParen()) {
      if (!out.isEmpty()) {
        args.sp();
      }
      String option = args.atom().toUpperCase(Locale.ROOT);
      if (!known.contains(option)) {
        throw new ImapParseException("unknown LIST option " + option);
      }
      out.add(option);
      if (option.equals("STATUS")) {
        // RFC 5819 §4: STATUS (status-att ...), the items of the STATUS command.
        args.sp();
        args.openParen();
        while (!args.tryCloseParen()) {
          if (!statusItems.isEmpty()) {
            args.sp();
          }
          String item = args.atom().toUpperCase(Locale.ROOT);
          if (!statusItemNames.contains(item)) {
            throw new ImapParseException("unknown STATUS item " + item);
          }
          statusItems.add(item);
        }
        if (statusItems.isEmpty()) {
          throw new ImapParseException("STATUS needs at least one item");
        }
      }
    }
  }

  // list-mailbox = 1*list-char, or a string: atom chars plus the wildcards % and *, which atom() does not accept.
  static String pattern(ImapArgs args) throws ImapParseException {
    if (args.peek('"') || args.peek('{')) {
      return args.mailboxName(args.astring());
    }
    StringBuilder b = new StringBuilder();
    while (true) {
      if (args.tryConsume('*')) {
        b.append('*');
      } else if (args.tryConsume('%')) {
        b.append('%');
      } else if (!args.atEnd() && !args.peek(' ') && !args.peek('(') && !args.peek(')')) {
        b.append(args.atom());
      } else {
        break;
      }
    }
    if (b.length() == 0) {
      throw new ImapParseException("expected a mailbox pattern");
    }
    return args.mailboxName(b.toString());
  }

  /** Whether this is RFC 3501 §6.3.8's request for the hierarchy delimiter: LIST "" "". */
  boolean asksForDelimiter() {
    return selection.isEmpty() && patterns.equals(List.of(""));
  }

  private boolean matches(String name) {
    return patterns.stream().anyMatch(p -> ListPattern.matches(reference + p, name));
  }

  /** The LIST lines, in the account's folder order, subscriptions to missing folders last. */
  List<Line> lines(AccountProtocol.Folders f) {
    boolean subscribedOnly = selection.contains("SUBSCRIBED");
    boolean recursive = selection.contains("RECURSIVEMATCH");
    boolean specialUseOnly = selection.contains("SPECIAL-USE");
    // RFC 5258 §3.1: the SUBSCRIBED selection option implies the SUBSCRIBED return option.
    boolean showSubscribed = subscribedOnly || returns.contains("SUBSCRIBED");
    Set<String> names = new LinkedHashSet<>();
    f.folders().forEach(folder -> names.add(folder.name()));
    if (subscribedOnly) {
      names.addAll(f.subscriptions());
    }
    List<Line> out = new ArrayList<>();
    for (String name : names) {
      if (!matches(name)) {
        continue;
      }
      Folder folder = f.folder(name);
      boolean subscribed = f.subscriptions().contains(name);
      // RFC 5258 §3.5: with RECURSIVEMATCH a mailbox whose descendant is subscribed is listed with CHILDINFO.
      boolean subscribedChild = subscribedOnly && recursive
          && f.subscriptions().stream().anyMatch(s -> s.startsWith(name + DELIMITER));
      if (subscribedOnly && !subscribed && !subscribedChild) {
        continue;
      }
      boolean specialUse = folder != null && !folder.specialUse().isEmpty();
      if (specialUseOnly && !specialUse) {
        continue;
      }
      List<String> attrs = new ArrayList<>();
      if (folder != null) {
        if (folder.noselect()) {
          attrs.add("\\Noselect");
        }
        // RFC 5258 §4: the server MAY send \HasChildren/\HasNoChildren without RETURN (CHILDREN); we always do.
        attrs.add(f.hasChildren(name, DELIMITER) ? "\\HasChildren" : "\\HasNoChildren");
        if (specialUse) {
          attrs.add(folder.specialUse());
        }
      }
      if (showSubscribed && subscribed) {
        attrs.add("\\Subscribed");
      }
      if (folder == null) {
        attrs.add("\\NonExistent"); // only a subscription names it (RFC 5258 §3.4); implies \Noselect
      }
      String text = "LIST (" + String.join(" ", attrs) + ") \"" + DELIMITER + "\" " + MailboxNames.quoted(name, utf8Names)
          + (subscribedChild ? " (\"CHILDINFO\" (\"SUBSCRIBED\"))" : "");
      boolean withStatus = returns.contains("STATUS") && folder != null && !folder.noselect();
      out.add(new Line(text, withStatus ? folder : null));
    }
    return out;
  }
}
