package org.mailhive.imap.session;

/** RFC 3501 §6.3.8 LIST wildcards: {@code *} matches anything, {@code %} anything but the hierarchy delimiter. */
final class ListPattern {
  private ListPattern() {}

  static boolean matches(String pattern, String name) {
    return matches(pattern, 0, name, 0);
  }

  private static boolean matches(String p, int pi, String n, int ni) {
    if (pi == p.length()) {
      return ni == n.length();
    }
    char c = p.charAt(pi);
    if (c == '*' || c == '%') {
      for (int k = ni; k <= n.length(); k++) {
        if (matches(p, pi + 1, n, k)) {
          return true;
        }
        if (k < n.length() && c == '%' && n.charAt(k) == '/') {
          return false;
        }
      }
      return false;
    }
    // INBOX is case-insensitive (RFC 3501 §5.1); other names are compared exactly.
    boolean same = n.regionMatches(true, 0, "INBOX", 0, 5) && ni < 5
        ? ni < n.length() && Character.toUpperCase(c) == Character.toUpperCase(n.charAt(ni))
        : ni < n.length() && c == n.charAt(ni);
    return same && matches(p, pi + 1, n, ni + 1);
  }
}
