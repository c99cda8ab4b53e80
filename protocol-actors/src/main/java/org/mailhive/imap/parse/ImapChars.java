package org.mailhive.imap.parse;

/** The character classes of the RFC 3501 §9 formal syntax, shared by the frame decoder and the argument parser. */
final class ImapChars {
  static final byte SP = ' ';
  static final byte CR = '\r';
  static final byte LF = '\n';
  static final byte DQUOTE = '"';
  static final byte BACKSLASH = '\\';
  static final byte OPEN_BRACE = '{';
  static final byte CLOSE_BRACE = '}';
  static final byte PLUS = '+';
  /** RFC 3516 §4.2: literal8 is a literal prefixed with a tilde. */
  static final byte TILDE = '~';

  private static final int LAST_CTL = 0x1F;
  private static final int DEL = 0x7F;

  private ImapChars() {}

  /** RFC 3501 §9: ATOM-CHAR is any CHAR except atom-specials. */
  static boolean isAtomChar(int b) {
    if (b <= LAST_CTL || b >= DEL) {
      return false; // CTL, DEL and 8-bit bytes are not CHAR or are CTL
    }
    return switch (b) {
      case '(', ')', '{', ' ', '%', '*', '"', '\\', ']' -> false;
      default -> true;
    };
  }

  /** RFC 3501 §9: ASTRING-CHAR = ATOM-CHAR / resp-specials. */
  static boolean isAstringChar(int b) {
    return isAtomChar(b) || b == ']';
  }

  /** RFC 3501 §9: tag = 1*&lt;any ASTRING-CHAR except "+"&gt;, so that a tag never looks like a continuation. */
  static boolean isTagChar(int b) {
    return isAstringChar(b) && b != '+';
  }

  static boolean isDigit(int b) {
    return b >= '0' && b <= '9';
  }
}
