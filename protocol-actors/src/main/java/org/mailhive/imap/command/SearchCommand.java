package org.mailhive.imap.command;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.util.ByteString;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.imap.parse.SequenceSet;
import org.mailhive.mailbox.MessageMeta;

/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4): the request record, its parser and the matcher. FROM, TO, CC, BCC
 * and SUBJECT match the ENVELOPE stored at delivery, so a header search never loads a body; only HEADER, BODY
 * and TEXT (and SENTBEFORE/ON/SINCE when the message has no parseable Date) need the message from the blob store
 * ({@link #needsBody}). Matching is case-insensitive substring matching, as RFC 3501 asks.
 */
public record SearchCommand(Key key, boolean byUid) {

  /** What one message looks like to a search key. {@code body} is null unless {@link #needsBody} said so. */
  /** {@code recent}: whether the message is \Recent in the searching session (RFC 3501 §2.3.2). */
  public record Candidate(int seq, MessageMeta meta, boolean recent, int largestSeq, long largestUid, ByteString body) {}

  public interface Key {
    boolean matches(Candidate c);

    default boolean needsBody() {
      return false;
    }

    /** RFC 7162 §3.1.5: a search with a MODSEQ key answers with the highest mod-sequence of what it found. */
    default boolean usesModSeq() {
      return false;
    }
  }

  public boolean needsBody() {
    return key.needsBody();
  }

  public boolean usesModSeq() {
    return key.usesModSeq();
  }

  private static final DateTimeFormatter SEARCH_DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ROOT);

  public static SearchCommand parse(ImapArgs args, boolean byUid) throws ImapParseException {
    args.sp();
    if (peekWord(args, "CHARSET")) {
      // RFC 6855 §3: after ENABLE UTF8=ACCEPT every string is UTF-8, and a CHARSET "SHOULD" be rejected with BAD.
      if (args.utf8Accepted()) {
        throw new ImapParseException("SEARCH CHARSET is not allowed after ENABLE UTF8=ACCEPT");
      }
      args.atom();
      args.sp();
      String charset = args.astring().toUpperCase(Locale.ROOT);
      if (!charset.equals("US-ASCII") && !charset.equals("UTF-8")) {
        throw new ImapParseException("[BADCHARSET (US-ASCII UTF-8)] unsupported charset");
      }
      args.sp();
    }
    return parseCriteria(args, byUid);
  }

  /** search-key *(SP search-key) after the charset and its space, to the end; SORT and THREAD share it. */
  public static SearchCommand parseCriteria(ImapArgs args, boolean byUid) throws ImapParseException {
    List<Key> keys = new ArrayList<>();
    keys.add(key(args, 0));
    while (args.tryConsumeSpace()) {
      keys.add(key(args, 0));
    }
    args.end();
    return new SearchCommand(and(keys), byUid);
  }

  private static boolean peekWord(ImapArgs args, String word) {
    for (int i = 0; i < word.length(); i++) {
      if (!args.peekAt(i, word.charAt(i))) {
        return false;
      }
    }
    return args.peekAt(word.length(), ' ');
  }

  private static final int MAX_DEPTH = 32;

  private static Key key(ImapArgs args, int depth) throws ImapParseException {
    if (depth > MAX_DEPTH) {
      throw new ImapParseException("search keys nested too deeply");
    }
    if (args.tryConsume('(')) {
      List<Key> keys = new ArrayList<>();
      keys.add(key(args, depth + 1));
      while (!args.tryConsume(')')) {
        args.sp();
        keys.add(key(args, depth + 1));
      }
      return and(keys);
    }
    if (args.peek('*') || args.peek('$') || Character.isDigit(peekChar(args))) {
      SequenceSet set = args.sequenceSet();
      if (set.isSavedResult()) {
        return c -> set.contains(c.meta().uid(), c.largestUid()); // RFC 5182: "$" holds UIDs
      }
      return c -> set.contains(c.seq(), c.largestSeq());
    }
    String name = args.atom().toUpperCase(Locale.ROOT);
    switch (name) {
      case "ALL": return c -> true;
      case "ANSWERED": return flag("\\Answered", true);
      case "DELETED": return flag("\\Deleted", true);
      case "DRAFT": return flag("\\Draft", true);
      case "FLAGGED": return flag("\\Flagged", true);
      case "SEEN": return flag("\\Seen", true);
      case "UNANSWERED": return flag("\\Answered", false);
      case "UNDELETED": return flag("\\Deleted", false);
      case "UNDRAFT": return flag("\\Draft", false);
      case "UNFLAGGED": return flag("\\Flagged", false);
      case "UNSEEN": return flag("\\Seen", false);
      // RFC 3501 §6.4.4: NEW is RECENT UNSEEN; \Recent is the session's, not a stored flag.
      case "RECENT": return Candidate::recent;
      case "NEW": return c -> c.recent() && !c.meta().hasFlag("\\Seen");
      case "OLD": return c -> !c.recent();
      case "KEYWORD": { args.sp(); return flag(args.atom(), true); }
      case "UNKEYWORD": { args.sp(); return flag(args.atom(), false); }
      case "BCC": return envelopeField(args, 7);
      case "CC": return envelopeField(args, 6);
      case "FROM": return envelopeField(args, 2);
      case "TO": return envelopeField(args, 5);
      case "SUBJECT": return envelopeField(args, 1);
      case "HEADER": {
        args.sp();
        String field = args.astring();
        args.sp();
        String value = args.astring();
        return bodyKey(c -> MessageText.headerValues(c.body(), field).stream().anyMatch(v -> contains(v, value)));
      }
      case "BODY": { args.sp(); String v = args.astring(); return bodyKey(c -> contains(MessageText.text(c.body()), v)); }
      case "TEXT": {
        args.sp();
        String v = args.astring();
        return bodyKey(c -> contains(MessageText.headerAndText(c.body()), v));
      }
      case "LARGER": { args.sp(); long n = args.number(); return c -> c.meta().size() > n; }
      case "SMALLER": { args.sp(); long n = args.number(); return c -> c.meta().size() < n; }
      case "BEFORE": { LocalDate d = date(args); return c -> internal(c).isBefore(d); }
      case "ON": { LocalDate d = date(args); return c -> internal(c).isEqual(d); }
      case "SINCE": { LocalDate d = date(args); return c -> !internal(c).isBefore(d); }
      case "SENTBEFORE": { LocalDate d = date(args); return sent(d, -1); }
      case "SENTON": { LocalDate d = date(args); return sent(d, 0); }
      case "SENTSINCE": { LocalDate d = date(args); return sent(d, 1); }
      case "UID": {
        args.sp();
        SequenceSet set = args.sequenceSet();
        return c -> set.contains(c.meta().uid(), c.largestUid());
      }
      case "MODSEQ": return modSeq(args);
      // RFC 8474 §6: an exact, case-sensitive match of the id; THREADID reads the header (ObjectIds).
      case "EMAILID": { args.sp(); String id = args.atom(); return c -> ObjectIds.emailId(c.meta()).equals(id); }
      case "THREADID": {
        args.sp();
        String id = args.atom();
        return bodyKey(c -> ObjectIds.threadId(c.meta(), c.body()).equals(id));
      }
      case "NOT": { args.sp(); Key k = key(args, depth + 1); return wrap(k, c -> !k.matches(c)); }
      case "OR": {
        args.sp();
        Key a = key(args, depth + 1);
        args.sp();
        Key b = key(args, depth + 1);
        return new Key() {
          public boolean matches(Candidate c) { return a.matches(c) || b.matches(c); }
          public boolean needsBody() { return a.needsBody() || b.needsBody(); }
          public boolean usesModSeq() { return a.usesModSeq() || b.usesModSeq(); }
        };
      }
      default: throw new ImapParseException("unknown search key " + name);
    }
  }

  private static char peekChar(ImapArgs args) {
    for (char c = '0'; c <= '9'; c++) {
      if (args.peek(c)) {
        return c;
      }
    }
    return 'x';
  }

  private static Key and(List<Key> keys) {
    if (keys.size() == 1) {
      return keys.get(0);
    }
    List<Key> all = List.copyOf(keys);
    return new Key() {
      public boolean matches(Candidate c) { return all.stream().allMatch(k -> k.matches(c)); }
      public boolean needsBody() { return all.stream().anyMatch(Key::needsBody); }
      public boolean usesModSeq() { return all.stream().anyMatch(Key::usesModSeq); }
    };
  }

  private static Key wrap(Key inner, Key outer) {
    return new Key() {
      public boolean matches(Candidate c) { return outer.matches(c); }
      public boolean needsBody() { return inner.needsBody(); }
      public boolean usesModSeq() { return inner.usesModSeq(); }
    };
  }

  /**
   * RFC 7162 §3.1.5: {@code MODSEQ [entry-name SP entry-type-req] mod-sequence-valzer} matches messages whose
   * mod-sequence is at least the value. Flags have no separate mod-sequences here, so the entry (a per-flag
   * metadata item) is checked for syntax and ignored, as §3.1.5 allows ("the server MAY ignore" it).
   */
  private static Key modSeq(ImapArgs args) throws ImapParseException {
    args.sp();
    if (args.peek('"')) {
      String entry = args.astring();
      if (!entry.toLowerCase(Locale.ROOT).startsWith("/flags/")) {
        throw new ImapParseException("bad MODSEQ entry name " + entry);
      }
      args.sp();
      String type = args.atom().toLowerCase(Locale.ROOT);
      if (!type.equals("priv") && !type.equals("shared") && !type.equals("all")) {
        throw new ImapParseException("bad MODSEQ entry type " + type);
      }
      args.sp();
    }
    long min = CondStore.modSeqValzer(args);
    return new Key() {
      public boolean matches(Candidate c) { return c.meta().modSeq() >= min; }
      public boolean usesModSeq() { return true; }
    };
  }

  private static Key bodyKey(Key k) {
    return new Key() {
      public boolean matches(Candidate c) { return c.body() != null && k.matches(c); }
      public boolean needsBody() { return true; }
    };
  }

  private static Key flag(String flag, boolean present) {
    return c -> c.meta().hasFlag(flag) == present;
  }

  private static Key envelopeField(ImapArgs args, int index) throws ImapParseException {
    args.sp();
    String value = args.astring();
    return c -> contains(EnvelopeFields.field(c.meta().envelope(), index), value);
  }

  private static LocalDate date(ImapArgs args) throws ImapParseException {
    args.sp();
    String text = args.astring();
    try {
      return LocalDate.parse(text, SEARCH_DATE);
    } catch (DateTimeParseException e) {
      throw new ImapParseException("bad search date " + text);
    }
  }

  // RFC 3501 §6.4.4: BEFORE/ON/SINCE compare the internal date, disregarding time and timezone.
  private static LocalDate internal(Candidate c) {
    return java.time.Instant.ofEpochMilli(c.meta().internalDate()).atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static Key sent(LocalDate d, int direction) {
    return c -> {
      LocalDate sent = sentDate(c);
      if (sent == null) {
        return false;
      }
      int cmp = sent.compareTo(d);
      return direction < 0 ? cmp < 0 : direction == 0 ? cmp == 0 : cmp >= 0;
    };
  }

  private static LocalDate sentDate(Candidate c) {
    String date = EnvelopeFields.field(c.meta().envelope(), 0);
    if (date == null) {
      return internal(c);
    }
    String cleaned = date.replaceAll("\\s*\\(.*\\)\\s*$", "").trim().replaceAll("\\s+", " ");
    if (!cleaned.isEmpty() && Character.isLetter(cleaned.charAt(0)) && cleaned.contains(",")) {
      cleaned = cleaned.substring(cleaned.indexOf(',') + 1).trim();
    }
    try {
      return ZonedDateTime.parse(cleaned, DateTimeFormatter.ofPattern("d MMM yyyy H:mm[:ss] Z", Locale.ROOT)).toLocalDate();
    } catch (DateTimeParseException e) {
      return internal(c);
    }
  }

  static boolean contains(String haystack, String needle) {
    if (haystack == null) {
      return false;
    }
    return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
  }

  /** RFC 7162 §3.1.5: "* SEARCH 2 5 (MODSEQ 917162500)" after a MODSEQ search that found something. */
  public static String response(List<Long> numbers, long highestModSeq) {
    return numbers.isEmpty() ? response(numbers) : response(numbers) + " (MODSEQ " + highestModSeq + ")";
  }

  /** Encodes a result list: "* SEARCH 2 3 5". */
  public static String response(List<Long> numbers) {
    StringBuilder b = new StringBuilder("SEARCH");
    for (long n : numbers) {
      b.append(' ').append(n);
    }
    return b.toString();
  }

  static String utf8(ByteString b) {
    return b == null ? "" : new String(b.toArrayUnsafe(), StandardCharsets.UTF_8);
  }
}
