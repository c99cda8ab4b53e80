package org.mailhive.net;

/** Makes client-supplied text safe for one log line: no control characters, at most 64 characters. */
public final class LogText {
  private LogText() {}

  private static final int MAX = 64;

  public static String clean(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX));
    for (int i = 0; i < s.length() && b.length() < MAX; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c == '"' ? '\'' : c);
    }
    return b.toString();
  }
}
