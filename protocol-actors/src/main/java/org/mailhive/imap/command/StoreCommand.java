package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.imap.parse.SequenceSet;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.MailboxProtocol.FlagChange;

/** STORE and UID STORE (RFC 3501 §6.4.6): {@code STORE set [+|-]FLAGS[.SILENT] (flags)}. */
public record StoreCommand(SequenceSet set, FlagChange change, boolean silent, List<String> flags, boolean byUid,
                           long unchangedSince) {

  public StoreCommand(SequenceSet set, FlagChange change, boolean silent, List<String> flags, boolean byUid) {
    this(set, change, silent, flags, byUid, MailboxProtocol.UNCONDITIONAL);
  }

  public static StoreCommand parse(ImapArgs args, boolean byUid) throws ImapParseException {
    args.sp();
    SequenceSet set = args.sequenceSet();
    args.sp();
    long unchangedSince = MailboxProtocol.UNCONDITIONAL;
    if (args.peek('(')) { // RFC 7162 §3.1.3: STORE set (UNCHANGEDSINCE n) item value
      unchangedSince = CondStore.unchangedSince(args);
      args.sp();
    }
    String item = args.atom().toUpperCase(Locale.ROOT);
    FlagChange change;
    if (item.startsWith("+")) {
      change = FlagChange.ADD;
      item = item.substring(1);
    } else if (item.startsWith("-")) {
      change = FlagChange.REMOVE;
      item = item.substring(1);
    } else {
      change = FlagChange.REPLACE;
    }
    boolean silent = item.equals("FLAGS.SILENT");
    if (!silent && !item.equals("FLAGS")) {
      throw new ImapParseException("expected FLAGS, +FLAGS or -FLAGS");
    }
    args.sp();
    List<String> flags = new ArrayList<>();
    if (args.peek('(')) {
      flags.addAll(flagList(args));
    } else {
      flags.add(flag(args));
      while (args.tryConsumeSpace()) {
        flags.add(flag(args));
      }
    }
    args.end();
    return new StoreCommand(set, change, silent, List.copyOf(flags), byUid, unchangedSince);
  }

  /** RFC 3501 §9 flag-list, "(" [flag *(SP flag)] ")", as STORE and APPEND take it. */
  public static List<String> flagList(ImapArgs args) throws ImapParseException {
    List<String> flags = new ArrayList<>();
    args.openParen();
    while (!args.tryCloseParen()) {
      if (!flags.isEmpty()) {
        args.sp();
      }
      flags.add(flag(args));
    }
    return flags;
  }

  // RFC 3501 §2.3.2: \Recent cannot be stored, and no other unknown system flag exists.
  private static String flag(ImapArgs args) throws ImapParseException {
    String f = args.flag();
    if (f.equalsIgnoreCase("\\Recent") || (f.startsWith("\\") && !f.matches("(?i)\\\\(Seen|Answered|Flagged|Deleted|Draft)"))) {
      throw new ImapParseException("flag " + f + " cannot be stored");
    }
    return f;
  }
}
