package org.mailhive.smtp.command;

/**
 * RFC 3461 §4: xtext = *( xchar / hexchar ); xchar is any of "!" through "~" except "+" and "="; hexchar is "+"
 * and two upper-case hex digits. Values are kept in their xtext form: it has no spaces or control characters,
 * so it is safe to write into a header as is.
 */
public final class Xtext {
  private Xtext() {}

  public static boolean isValid(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        if (i + 2 >= s.length() || !isUpperHex(s.charAt(i + 1)) || !isUpperHex(s.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (c < '!' || c > '~' || c == '=') {
        return false;
      }
    }
    return true;
  }

  private static boolean isUpperHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
  }
}
