package org.mailhive.mime;

import java.nio.charset.StandardCharsets;

/**
 * IMAP string syntax (RFC 3501 §4.3, RFC 9051 §4.3): a quoted string where the grammar allows it, a literal where
 * it does not, and NIL for a value that is absent.
 *
 * <p>The returned text is meant to be written to the wire as UTF-8: a literal's {@code {N}} counts the UTF-8 octets
 * of its content.
 */
public final class ImapStrings {
  private static final String NIL = "NIL";
  /** RFC 3501 §9: CHAR8 excludes %x00, so not even a literal may carry NUL. */
  private static final char NUL_REPLACEMENT = '\uFFFD';

  private ImapStrings() {}

  /**
   * Returns {@code s} as a quoted string, or as a literal when a quoted string cannot carry it.
   *
   * <p>RFC 3501 §9: {@code quoted} holds only 7-bit TEXT-CHARs (no CR, LF or NUL), with {@code \} and {@code "}
   * escaped. Anything else (line breaks, 8-bit text) goes as a synchronizing literal {@code {N}\r\n...}.
   */
  public static String quoteOrLiteral(String s) {
    String value = s.indexOf('\0') < 0 ? s : s.replace('\0', NUL_REPLACEMENT);
    if (!fitsInQuoted(value)) {
      int octets = value.getBytes(StandardCharsets.UTF_8).length;
      return "{" + octets + "}\r\n" + value;
    }
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"').toString();
  }

  /** RFC 3501 §9 {@code nstring}: NIL for an absent or empty value, else {@link #quoteOrLiteral(String)}. */
  public static String nstring(String sOrNull) {
    return sOrNull == null || sOrNull.isEmpty() ? NIL : quoteOrLiteral(sOrNull);
  }

  private static boolean fitsInQuoted(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n' || c > 0x7F) {
        return false;
      }
    }
    return true;
  }
}
