package org.mailhive.imap.parse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;

/**
 * An RFC 3501 §9 sequence-set such as {@code 1,3:5,7:*}, for message sequence numbers and UIDs alike.
 *
 * <p>It keeps the ranges as the client wrote them; "{@code *}" is resolved only when asked, against the largest
 * number in use (RFC 3501 §9: "*" is the largest number in use, or the largest UID). A range {@code a:b} means every
 * number between a and b in either order. Members beyond the largest number do not exist and are never reported.
 */
public final class SequenceSet {
  /** RFC 3501 §9: seq-number = nz-number / "*"; encoded here as a value no nz-number can take. */
  private static final long STAR = -1;
  private static final long MAX_NUMBER = ImapArgs.MAX_NUMBER;
  private static final int MAX_DIGITS = 10;
  /** Enough of a bad part to recognise it in a log. */
  private static final int MAX_SHOWN = 16;

  private record Range(long first, long last) {
    long low(long largest) {
      return Math.min(resolve(first, largest), resolve(last, largest));
    }

    long high(long largest) {
      return Math.max(resolve(first, largest), resolve(last, largest));
    }

    private static long resolve(long n, long largest) {
      return n == STAR ? largest : n;
    }
  }

  private final List<Range> ranges;
  /** RFC 5182 §2.1: "$", the UIDs a SEARCH RETURN (SAVE) kept; they name messages by UID in every command. */
  private final boolean savedResult;

  private SequenceSet(List<Range> ranges) {
    this(ranges, false);
  }

  private SequenceSet(List<Range> ranges, boolean savedResult) {
    this.ranges = List.copyOf(ranges);
    this.savedResult = savedResult;
  }

  /** The search result variable "$" (RFC 5182) holding these UIDs; empty before any SAVE (RFC 5182 §2.1). */
  public static SequenceSet savedResult(List<Long> uids) {
    List<Range> ranges = new ArrayList<>();
    for (long uid : uids) {
      ranges.add(new Range(uid, uid));
    }
    return new SequenceSet(ranges, true);
  }

  /** Whether this is "$": its members are UIDs even in a command that otherwise uses sequence numbers. */
  public boolean isSavedResult() {
    return savedResult;
  }

  /** Parses sequence-set = (seq-number / seq-range) ["," sequence-set]. */
  public static SequenceSet parse(String text) throws ImapParseException {
    List<Range> ranges = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      int colon = part.indexOf(':');
      if (colon < 0) {
        long n = seqNumber(part);
        ranges.add(new Range(n, n));
      } else {
        ranges.add(new Range(seqNumber(part.substring(0, colon)), seqNumber(part.substring(colon + 1))));
      }
    }
    return new SequenceSet(ranges);
  }

  /** seq-number = nz-number / "*", and nz-number = digit-nz *DIGIT, at most 4294967295 (RFC 3501 §4.2). */
  private static long seqNumber(String text) throws ImapParseException {
    if (text.equals("*")) {
      return STAR;
    }
    if (text.isEmpty() || text.length() > MAX_DIGITS || text.charAt(0) == '0') {
      throw new ImapParseException("bad sequence number: " + printable(text));
    }
    for (int i = 0; i < text.length(); i++) {
      if (!ImapChars.isDigit(text.charAt(i))) {
        throw new ImapParseException("bad sequence number: " + printable(text));
      }
    }
    long n = Long.parseLong(text);
    if (n > MAX_NUMBER) {
      throw new ImapParseException("sequence number out of range: " + text);
    }
    return n;
  }

  public boolean contains(long n, long largest) {
    if (n < 1 || n > largest) {
      return false;
    }
    for (Range r : ranges) {
      if (n >= r.low(largest) && n <= r.high(largest)) {
        return true;
      }
    }
    return false;
  }

  /** Every member from 1 to largest, ascending and each once. */
  public LongStream members(long largest) {
    if (largest < 1) {
      return LongStream.empty();
    }
    List<long[]> merged = new ArrayList<>();
    ranges.stream()
        .map(r -> new long[] {r.low(largest), Math.min(r.high(largest), largest)})
        .filter(r -> r[0] <= r[1])
        .sorted(Comparator.comparingLong(r -> r[0]))
        .forEach(r -> {
          long[] previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
          if (previous != null && r[0] <= previous[1] + 1) {
            previous[1] = Math.max(previous[1], r[1]);
          } else {
            merged.add(r);
          }
        });
    return merged.stream().flatMapToLong(r -> LongStream.rangeClosed(r[0], r[1]));
  }

  public boolean isEmptyFor(long largest) {
    if (largest < 1) {
      return true;
    }
    for (Range r : ranges) {
      if (r.low(largest) <= largest) {
        return false;
      }
    }
    return true;
  }

  /** The set as the client wrote it, so that {@code parse(s.toString())} equals s. */
  @Override
  public String toString() {
    if (savedResult) {
      return "$";
    }
    StringBuilder out = new StringBuilder();
    for (Range r : ranges) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(format(r.first()));
      if (r.first() != r.last()) {
        out.append(':').append(format(r.last()));
      }
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SequenceSet that && ranges.equals(that.ranges) && savedResult == that.savedResult;
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }

  private static String format(long n) {
    return n == STAR ? "*" : Long.toString(n);
  }

  /** Keeps a client's bytes out of exception texts that may reach a log. */
  private static String printable(String text) {
    String cut = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) : text;
    return cut.replaceAll("[^\\x21-\\x7e]", "?");
  }
}
