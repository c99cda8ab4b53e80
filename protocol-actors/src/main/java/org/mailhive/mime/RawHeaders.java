package org.mailhive.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header fields of one MIME part, as sent: unfolded but not decoded. IMAP reports RFC 2047 encoded-words
 * untouched (RFC 3501 §7.4.2 returns header text, not display text), so nothing here decodes them.
 *
 * <p>Jakarta Mail reads header octets as ISO-8859-1, one char per octet. RFC 6532 allows UTF-8 in headers, so a
 * value whose octets are valid UTF-8 is turned back into that text; any other 8-bit value is left one char per octet.
 */
final class RawHeaders {
  private final Part part;

  RawHeaders(Part part) {
    this.part = part;
  }

  /** The first field with this name, unfolded and trimmed, or null when absent. */
  String first(String name) {
    String[] values;
    try {
      values = part.getHeader(name);
    } catch (MessagingException | RuntimeException e) {
      return null;
    }
    if (values == null || values.length == 0 || values[0] == null) {
      return null;
    }
    return asText(unfold(values[0])).strip();
  }

  /** The last field with this name, unfolded and trimmed, or null when absent. */
  String last(String name) {
    List<String> values = all(name);
    return values.isEmpty() ? null : values.get(values.size() - 1);
  }

  /** Every field with this name in header order, each unfolded and trimmed. */
  List<String> all(String name) {
    String[] values;
    try {
      values = part.getHeader(name);
    } catch (MessagingException | RuntimeException e) {
      return List.of();
    }
    if (values == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(values.length);
    for (String v : values) {
      if (v != null) {
        out.add(asText(unfold(v)).strip());
      }
    }
    return out;
  }

  /** RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by whitespace, and nothing else. */
  static String unfold(String value) {
    if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean lineBreak = c == '\r' || c == '\n';
      boolean beforeWhitespace = i + 1 < value.length() && isFoldChar(value.charAt(i + 1));
      if (!(lineBreak && beforeWhitespace)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isFoldChar(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static String asText(String octets) {
    for (int i = 0; i < octets.length(); i++) {
      if (octets.charAt(i) > 0x7F) {
        return decodeUtf8OrKeep(octets);
      }
    }
    return octets;
  }

  private static String decodeUtf8OrKeep(String octets) {
    for (int i = 0; i < octets.length(); i++) {
      if (octets.charAt(i) > 0xFF) {
        return octets; // already text, not octets
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(octets.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException e) {
      return octets;
    }
  }
}
