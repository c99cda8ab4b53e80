package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads fields back out of an ENVELOPE stored in IMAP syntax (RFC 3501 §7.4.2), so SEARCH FROM/TO/SUBJECT need
 * no body. Index 0 is the date, 1 the subject, 2–7 the address lists (from, sender, reply-to, to, cc, bcc);
 * an address list comes back as "name mailbox@host, …".
 */
final class EnvelopeFields {
  private EnvelopeFields() {}

  static String field(String envelope, int index) {
    return field(parse(envelope), index);
  }

  /** The envelope's fields, read once for callers that need several of them (SORT, THREAD). */
  static List<?> parse(String envelope) {
    Object parsed = envelope == null ? null : new Reader(envelope).value();
    return parsed instanceof List<?> fields ? fields : List.of();
  }

  /**
   * The first address of an address list field as (name, adl, mailbox, host), skipping RFC 3501 group markers
   * (which have no host); null if the list has none.
   */
  static List<?> firstAddress(List<?> fields, int index) {
    if (index < fields.size() && fields.get(index) instanceof List<?> list) {
      for (Object a : list) {
        if (a instanceof List<?> addr && addr.size() >= 4 && addr.get(3) != null) {
          return addr;
        }
      }
    }
    return null;
  }

  static String field(List<?> fields, int index) {
    if (index >= fields.size()) {
      return null;
    }
    Object f = fields.get(index);
    if (f == null || f instanceof String) {
      return (String) f;
    }
    StringBuilder b = new StringBuilder();
    for (Object a : (List<?>) f) {
      if (a instanceof List<?> addr && addr.size() >= 4) {
        if (b.length() > 0) {
          b.append(", ");
        }
        if (addr.get(0) != null) {
          b.append(addr.get(0)).append(' ');
        }
        b.append(addr.get(2) == null ? "" : addr.get(2)).append('@').append(addr.get(3) == null ? "" : addr.get(3));
      }
    }
    return b.toString();
  }

  /** Lists, quoted strings, literals and NIL (as null); enough for what we render ourselves. */
  private static final class Reader {
    private final String s;
    private int pos;

    Reader(String s) {
      this.s = s;
    }

    Object value() {
      skipSpaces();
      if (pos >= s.length()) {
        return null;
      }
      char c = s.charAt(pos);
      if (c == '(') {
        pos++;
        List<Object> list = new ArrayList<>();
        while (true) {
          skipSpaces();
          if (pos >= s.length()) {
            return list;
          }
          if (s.charAt(pos) == ')') {
            pos++;
            return list;
          }
          list.add(value());
        }
      }
      if (c == '"') {
        StringBuilder b = new StringBuilder();
        pos++;
        while (pos < s.length() && s.charAt(pos) != '"') {
          if (s.charAt(pos) == '\\' && pos + 1 < s.length()) {
            pos++;
          }
          b.append(s.charAt(pos++));
        }
        pos++;
        return b.toString();
      }
      if (c == '{') {
        int close = s.indexOf('}', pos);
        int n = Integer.parseInt(s.substring(pos + 1, close));
        int start = close + 3;
        // the literal's length counts UTF-8 bytes; our envelopes are ASCII-only after RFC 2047, so chars suffice
        String text = s.substring(start, Math.min(s.length(), start + n));
        pos = start + text.length();
        return text;
      }
      int start = pos;
      while (pos < s.length() && s.charAt(pos) != ' ' && s.charAt(pos) != ')' && s.charAt(pos) != '(') {
        pos++;
      }
      String atom = s.substring(start, pos);
      return atom.equalsIgnoreCase("NIL") ? null : atom;
    }

    private void skipSpaces() {
      while (pos < s.length() && s.charAt(pos) == ' ') {
        pos++;
      }
    }
  }
}
