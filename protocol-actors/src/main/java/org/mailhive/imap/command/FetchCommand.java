package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.imap.parse.SequenceSet;

/**
 * FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8): the request record and its parser. Rendering lives in
 * {@link FetchRenderer}; running it (loading bodies, setting \Seen) in the session.
 */
public record FetchCommand(SequenceSet set, List<Item> items, boolean byUid, long changedSince, boolean vanished) {

  /** {@link #changedSince} of a FETCH without the CHANGEDSINCE modifier (RFC 7162 §3.1.4.1). */
  public static final long ALWAYS = -1;

  public FetchCommand(SequenceSet set, List<Item> items, boolean byUid) {
    this(set, items, byUid, ALWAYS, false);
  }

  public FetchCommand(SequenceSet set, List<Item> items, boolean byUid, long changedSince) {
    this(set, items, byUid, changedSince, false);
  }

  public enum Attribute { FLAGS, UID, RFC822_SIZE, INTERNALDATE, ENVELOPE, BODYSTRUCTURE, BODY, MODSEQ, EMAILID, THREADID }

  public sealed interface Item permits Simple, Section, Binary {}

  public record Simple(Attribute attribute) implements Item {}

  /**
   * A body section. {@code part} is "" or "1.2.3"; {@code spec} is "", HEADER, TEXT, MIME, HEADER.FIELDS or
   * HEADER.FIELDS.NOT; {@code responseName} is what the response echoes before the data, without the origin.
   */
  public record Section(String responseName, String part, String spec, List<String> fields, boolean peek,
                        long partialStart, long partialLength) implements Item {
    public boolean partial() {
      return partialStart >= 0;
    }
  }

  /**
   * RFC 3516 §4.1: BINARY[part]&lt;partial&gt;, BINARY.PEEK[part] and BINARY.SIZE[part], a part's content with its
   * Content-Transfer-Encoding undone (see {@link BinarySections}). {@code part} is "" or "1.2.3".
   */
  public record Binary(String part, boolean peek, boolean sizeOnly, long partialStart, long partialLength)
      implements Item {
    public boolean partial() {
      return partialStart >= 0;
    }
  }

  public boolean needsBody() {
    // THREADID reads the References header (ObjectIds), which is not kept with the metadata.
    return items.stream().anyMatch(i -> i instanceof Section || i instanceof Binary
        || i instanceof Simple s && s.attribute() == Attribute.THREADID);
  }

  /** RFC 7162 §3.1: FETCH MODSEQ and FETCH (CHANGEDSINCE) are CONDSTORE enabling commands. */
  public boolean usesModSeq() {
    return changedSince >= 0 || items.stream().anyMatch(i -> i instanceof Simple s && s.attribute() == Attribute.MODSEQ);
  }

  public boolean setsSeen() {
    // RFC 3516 §4.1: BINARY sets \Seen as BODY does; BINARY.PEEK and BINARY.SIZE do not.
    return items.stream().anyMatch(i -> (i instanceof Section s && !s.peek())
        || (i instanceof Binary b && !b.peek() && !b.sizeOnly()));
  }

  public static FetchCommand parse(ImapArgs args, boolean byUid) throws ImapParseException {
    args.sp();
    SequenceSet set = args.sequenceSet();
    args.sp();
    List<Item> items = new ArrayList<>();
    if (args.tryConsume('(')) {
      items.add(item(args));
      while (!args.tryConsume(')')) {
        args.sp();
        items.add(item(args));
      }
    } else if (args.peek('A') || args.peek('a') || args.peek('F') || args.peek('f')) {
      String atom = args.atom().toUpperCase(Locale.ROOT);
      List<Item> macro = macro(atom);
      if (macro == null) {
        throw new ImapParseException("unknown FETCH item " + atom);
      }
      items.addAll(macro);
    } else {
      items.add(item(args));
    }
    long changedSince = ALWAYS;
    boolean vanished = false;
    if (args.tryConsumeSpace()) {
      QResync.FetchModifiers modifiers = QResync.fetchModifiers(args, byUid);
      changedSince = modifiers.changedSince();
      vanished = modifiers.vanished();
      // RFC 7162 §3.1.4.1: CHANGEDSINCE answers as if MODSEQ had been asked for too.
      if (items.stream().noneMatch(i -> i instanceof Simple s && s.attribute() == Attribute.MODSEQ)) {
        items.add(new Simple(Attribute.MODSEQ));
      }
    }
    args.end();
    if (byUid && items.stream().noneMatch(i -> i instanceof Simple s && s.attribute() == Attribute.UID)) {
      items.add(0, new Simple(Attribute.UID)); // RFC 3501 §6.4.8: UID FETCH always returns the UID
    }
    return new FetchCommand(set, List.copyOf(items), byUid, changedSince, vanished);
  }

  // RFC 3501 §6.4.5: the macros ALL, FAST and FULL stand alone, never inside a list.
  private static List<Item> macro(String atom) {
    List<Item> fast = List.of(new Simple(Attribute.FLAGS), new Simple(Attribute.INTERNALDATE),
        new Simple(Attribute.RFC822_SIZE));
    return switch (atom) {
      case "FAST" -> fast;
      case "ALL" -> concat(fast, new Simple(Attribute.ENVELOPE));
      case "FULL" -> concat(concat(fast, new Simple(Attribute.ENVELOPE)), new Simple(Attribute.BODY));
      case "FLAGS" -> List.of(new Simple(Attribute.FLAGS));
      default -> null;
    };
  }

  private static List<Item> concat(List<Item> a, Item b) {
    List<Item> out = new ArrayList<>(a);
    out.add(b);
    return out;
  }

  private static Item item(ImapArgs args) throws ImapParseException {
    String atom = args.atom().toUpperCase(Locale.ROOT);
    return switch (atom) {
      case "FLAGS" -> new Simple(Attribute.FLAGS);
      case "UID" -> new Simple(Attribute.UID);
      case "RFC822.SIZE" -> new Simple(Attribute.RFC822_SIZE);
      case "INTERNALDATE" -> new Simple(Attribute.INTERNALDATE);
      case "ENVELOPE" -> new Simple(Attribute.ENVELOPE);
      case "BODYSTRUCTURE" -> new Simple(Attribute.BODYSTRUCTURE);
      case "BODY" -> new Simple(Attribute.BODY);
      case "MODSEQ" -> new Simple(Attribute.MODSEQ);
      case "EMAILID" -> new Simple(Attribute.EMAILID); // RFC 8474 §5.1
      case "THREADID" -> new Simple(Attribute.THREADID); // RFC 8474 §5.2
      case "RFC822" -> new Section("RFC822", "", "", List.of(), false, -1, -1);
      case "RFC822.HEADER" -> new Section("RFC822.HEADER", "", "HEADER", List.of(), true, -1, -1);
      case "RFC822.TEXT" -> new Section("RFC822.TEXT", "", "TEXT", List.of(), false, -1, -1);
      default -> atom.startsWith("BINARY") ? BinarySections.parse(atom, args) : section(atom, args);
    };
  }

  private static Item section(String atom, ImapArgs args) throws ImapParseException {
    boolean peek;
    String inside;
    if (atom.startsWith("BODY.PEEK[")) {
      peek = true;
      inside = atom.substring("BODY.PEEK[".length());
    } else if (atom.startsWith("BODY[")) {
      peek = false;
      inside = atom.substring("BODY[".length());
    } else {
      throw new ImapParseException("unknown FETCH item " + atom);
    }
    List<String> fields = List.of();
    List<String> echoed = List.of();
    String part;
    String spec;
    int i = 0;
    while (i < inside.length() && (Character.isDigit(inside.charAt(i)) || inside.charAt(i) == '.')) {
      i++;
    }
    part = inside.substring(0, i);
    spec = inside.substring(i);
    if (part.endsWith(".") && !spec.isEmpty()) {
      part = part.substring(0, part.length() - 1);
    } else if (!part.isEmpty() && !spec.isEmpty()) {
      throw new ImapParseException("bad section " + inside);
    }
    if (!part.isEmpty() && !part.matches("[1-9]\\d{0,8}(\\.[1-9]\\d{0,8})*")) {
      throw new ImapParseException("bad section part " + part);
    }
    if (spec.equals("HEADER.FIELDS") || spec.equals("HEADER.FIELDS.NOT")) {
      args.sp();
      args.openParen();
      List<String> list = new ArrayList<>();
      List<String> asGiven = new ArrayList<>();
      fieldName(args, list, asGiven);
      while (!args.tryCloseParen()) {
        args.sp();
        fieldName(args, list, asGiven);
      }
      fields = List.copyOf(list);
      echoed = List.copyOf(asGiven);
    } else if (!(spec.isEmpty() || spec.equals("HEADER") || spec.equals("TEXT") || spec.equals("MIME"))) {
      throw new ImapParseException("bad section " + inside);
    }
    if (!args.tryConsume(']')) {
      throw new ImapParseException("expected ] to end the section");
    }
    if (spec.equals("MIME") && part.isEmpty()) {
      throw new ImapParseException("MIME needs a part number");
    }
    return withPartial(part, spec, fields, echoed, peek, args);
  }

  /**
   * One header-fld-name: upper-cased for matching (field names are case-insensitive, RFC 5322 §1.2.2) and kept as
   * the client wrote it for the response, since RFC 3501 §7.4.2 answers with the section "as specified in the
   * request" (Dovecot echoes the names as given too); a name that is not an atom is echoed as a quoted string.
   */
  private static void fieldName(ImapArgs args, List<String> upper, List<String> asGiven) throws ImapParseException {
    String name = args.astring();
    upper.add(name.toUpperCase(Locale.ROOT));
    asGiven.add(name.chars().allMatch(c -> c > ' ' && c < 0x7f && "(){%*\"\\]".indexOf(c) < 0) ? name
        : "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
  }

  private static Item withPartial(String part, String spec, List<String> fields, List<String> echoed, boolean peek,
                                  ImapArgs args) throws ImapParseException {
    String sectionText = (part.isEmpty() ? "" : part + (spec.isEmpty() ? "" : ".")) + spec
        + (echoed.isEmpty() ? "" : " (" + String.join(" ", echoed) + ")");
    long start = -1;
    long length = -1;
    String origin = "";
    if (args.peek('<')) {
      origin = args.atom();
    }
    if (!origin.isEmpty()) {
      if (!origin.matches("<\\d{1,10}\\.[1-9]\\d{0,9}>")) {
        throw new ImapParseException("bad partial " + origin);
      }
      String[] p = origin.substring(1, origin.length() - 1).split("\\.");
      start = Long.parseLong(p[0]);
      length = Long.parseLong(p[1]);
    }
    return new Section("BODY[" + sectionText + "]", part, spec, fields, peek, start, length);
  }
}
