package org.mailhive.imap.command;

import java.util.Comparator;

/**
 * The i;ascii-casemap collation (RFC 4790 §9.2), which RFC 5256 §3 names for SORT and for comparing base subjects:
 * ASCII letters compare without case, every other character by its code point. Code point order is UTF-8 octet
 * order, so this is the octet comparison the RFC describes, done on decoded text.
 */
final class AsciiCasemap {
  private AsciiCasemap() {}

  static final Comparator<String> ORDER = AsciiCasemap::compare;

  /** The text with a–z mapped to A–Z and nothing else changed: equal keys mean equal under the collation. */
  static String key(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      b.append(upper(s.charAt(i)));
    }
    return b.toString();
  }

  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      int diff = Integer.compare(ca < 128 ? upper((char) ca) : ca, cb < 128 ? upper((char) cb) : cb);
      if (diff != 0) {
        return diff;
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private static char upper(char c) {
    return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
  }
}
