package org.mailhive.imap.command;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;

/**
 * The result options of {@code SEARCH RETURN (...)}: ESEARCH (RFC 4731) and SEARCHRES (RFC 5182). Parsed before
 * the search keys, which {@link SearchCommand} reads; this class renders the {@code * ESEARCH} answer and decides
 * what the search result variable "$" keeps.
 */
public record SearchReturn(Set<Option> options) {
  public static final String CAPABILITIES = "ESEARCH SEARCHRES";

  public enum Option { MIN, MAX, ALL, COUNT, SAVE }

  /**
   * Reads {@code SP "RETURN" SP "(" [option *(SP option)] ")"} if the command has it (RFC 4731 §3), else returns
   * null and consumes nothing. {@code RETURN ()} means {@code RETURN (ALL)} (RFC 4731 §3.1).
   */
  public static SearchReturn parseOptional(ImapArgs args) throws ImapParseException {
    String word = " RETURN ";
    for (int i = 0; i < word.length(); i++) {
      if (!args.peekAt(i, word.charAt(i))) {
        return null;
      }
    }
    args.sp();
    args.atom();
    args.sp();
    args.openParen();
    Set<Option> options = EnumSet.noneOf(Option.class);
    while (!args.tryCloseParen()) {
      if (!options.isEmpty()) {
        args.sp();
      }
      String name = args.atom().toUpperCase(Locale.ROOT);
      try {
        options.add(Option.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new ImapParseException("unknown search return option " + name);
      }
    }
    if (options.isEmpty()) {
      options.add(Option.ALL);
    }
    return new SearchReturn(options);
  }

  public boolean saves() {
    return options.contains(Option.SAVE);
  }

  /** RFC 5182 §2.2: SAVE alone asks for no ESEARCH response at all. */
  public boolean answers() {
    return !options.equals(EnumSet.of(Option.SAVE));
  }

  /**
   * The numbers "$" keeps out of the ascending hits: all of them, except that SAVE with MIN and/or MAX and neither
   * ALL nor COUNT keeps just the minimum and/or maximum returned (RFC 5182 §2.2).
   */
  public List<Long> saved(List<Long> hits) {
    boolean minMaxOnly = (options.contains(Option.MIN) || options.contains(Option.MAX))
        && !options.contains(Option.ALL) && !options.contains(Option.COUNT);
    if (!minMaxOnly || hits.isEmpty()) {
      return hits;
    }
    long min = hits.get(0);
    long max = hits.get(hits.size() - 1);
    if (options.contains(Option.MIN) && options.contains(Option.MAX)) {
      return min == max ? List.of(min) : List.of(min, max);
    }
    return List.of(options.contains(Option.MIN) ? min : max);
  }

  /**
   * RFC 4731 §3.1: {@code ESEARCH (TAG "a1") [UID] MIN 2 MAX 9 ALL 2:4,9 COUNT 4}, without MIN, MAX and ALL when
   * nothing matched; COUNT is always given when asked for. {@code hits} are ascending.
   */
  public String response(String tag, boolean byUid, List<Long> hits) {
    return response(tag, byUid, hits, null);
  }

  /**
   * As {@link #response(String, boolean, List)}, for a search that used MODSEQ: RFC 7162 §3.1.5 adds {@code MODSEQ n},
   * the highest mod-sequence of the messages the answer names — only the MIN and/or MAX message when those are all
   * it returns, otherwise every hit — and nothing when no message matched. {@code modSeqOf} maps a returned number
   * to its message's mod-sequence; null for a search without MODSEQ.
   */
  public String response(String tag, boolean byUid, List<Long> hits, LongUnaryOperator modSeqOf) {
    String plain = plainResponse(tag, byUid, hits);
    if (modSeqOf == null || hits.isEmpty()) {
      return plain;
    }
    List<Long> named = options.contains(Option.ALL) || options.contains(Option.COUNT) ? hits
        : saved(hits); // MIN and/or MAX only: the same numbers SAVE would keep
    long highest = 0;
    for (long n : named) {
      highest = Math.max(highest, modSeqOf.applyAsLong(n));
    }
    return plain + " MODSEQ " + highest;
  }

  private String plainResponse(String tag, boolean byUid, List<Long> hits) {
    // A tag is ASTRING-CHARs without quoted-specials (RFC 3501 §9), so it can be quoted as it is.
    StringBuilder b = new StringBuilder("ESEARCH (TAG \"").append(tag).append("\")");
    if (byUid) {
      b.append(" UID");
    }
    if (!hits.isEmpty()) {
      if (options.contains(Option.MIN)) {
        b.append(" MIN ").append(hits.get(0));
      }
      if (options.contains(Option.MAX)) {
        b.append(" MAX ").append(hits.get(hits.size() - 1));
      }
      if (options.contains(Option.ALL)) {
        b.append(" ALL ").append(compress(hits));
      }
    }
    if (options.contains(Option.COUNT)) {
      b.append(" COUNT ").append(hits.size());
    }
    return b.toString();
  }

  /** Ascending numbers as the shortest sequence-set: 2,3,4,9 is "2:4,9". */
  static String compress(List<Long> ascending) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < ascending.size(); i++) {
      int j = i;
      while (j + 1 < ascending.size() && ascending.get(j + 1) == ascending.get(j) + 1) {
        j++;
      }
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(ascending.get(i));
      if (j > i) {
        b.append(':').append(ascending.get(j));
      }
      i = j;
    }
    return b.toString();
  }
}
