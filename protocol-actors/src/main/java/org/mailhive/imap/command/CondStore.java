package org.mailhive.imap.command;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;

/**
 * CONDSTORE (RFC 7162 §3.1) syntax that several commands share: mod-sequence values, the FETCH, STORE and SELECT
 * modifiers, and the response texts. Which session has it enabled is the session's business.
 */
public final class CondStore {
  private CondStore() {}

  public static final String CAPABILITY = "CONDSTORE";

  /** RFC 7162 §7: mod-sequence-value is a positive 63-bit number; mod-sequence-valzer may also be 0. */
  private static final int MAX_DIGITS = 19;

  /** RFC 7162 §7: mod-sequence-valzer = "0" / mod-sequence-value. */
  public static long modSeqValzer(ImapArgs args) throws ImapParseException {
    int at = args.position();
    String digits;
    try {
      digits = args.atom();
    } catch (ImapParseException e) {
      throw new ImapParseException("expected a mod-sequence at position " + at);
    }
    if (!digits.matches("\\d{1," + MAX_DIGITS + "}")) {
      throw new ImapParseException("bad mod-sequence " + digits + " at position " + at);
    }
    try {
      return Long.parseLong(digits); // above 2^63-1 fails to parse, as RFC 7162 §7 allows no more
    } catch (NumberFormatException e) {
      throw new ImapParseException("mod-sequence out of range at position " + at);
    }
  }

  /** mod-sequence-value: like {@link #modSeqValzer} but not 0 (CHANGEDSINCE, SEARCH MODSEQ use valzer). */
  public static long modSeqValue(ImapArgs args) throws ImapParseException {
    int at = args.position();
    long n = modSeqValzer(args);
    if (n == 0) {
      throw new ImapParseException("mod-sequence must not be 0 at position " + at);
    }
    return n;
  }

  /** RFC 7162 §3.1.4.1: fetch-modifier = "(" "CHANGEDSINCE" SP mod-sequence-valzer ")" — only that one exists. */
  public static long changedSince(ImapArgs args) throws ImapParseException {
    return modifier(args, "CHANGEDSINCE");
  }

  /** RFC 7162 §3.1.3: store-modifier = "(" "UNCHANGEDSINCE" SP mod-sequence-valzer ")". */
  public static long unchangedSince(ImapArgs args) throws ImapParseException {
    return modifier(args, "UNCHANGEDSINCE");
  }

  private static long modifier(ImapArgs args, String name) throws ImapParseException {
    args.openParen();
    String atom = args.atom().toUpperCase(Locale.ROOT);
    if (!atom.equals(name)) {
      throw new ImapParseException("unknown modifier " + atom + ", expected " + name);
    }
    args.sp();
    long value = modSeqValzer(args);
    if (!args.tryCloseParen()) {
      throw new ImapParseException("expected ) after " + name);
    }
    return value;
  }

  /** RFC 7162 §3.1.2.1: the untagged OK a CONDSTORE-aware client gets on SELECT/EXAMINE and on enabling. */
  public static String highestModSeq(long value) {
    return "OK [HIGHESTMODSEQ " + value + "] Highest";
  }

  /** RFC 7162 §3.1.4.2: the FETCH data item. */
  public static String fetchItem(long modSeq) {
    return "MODSEQ (" + modSeq + ")";
  }

  /** RFC 7162 §3.1.3: the tagged OK of a conditional STORE some of whose messages failed the test. */
  public static String modified(List<Long> numbers) {
    return "[MODIFIED " + numbers.stream().sorted().map(String::valueOf).collect(Collectors.joining(","))
        + "] Conditional STORE failed";
  }
}
