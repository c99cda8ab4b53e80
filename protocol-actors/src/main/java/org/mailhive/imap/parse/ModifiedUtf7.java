package org.mailhive.imap.parse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable US-ASCII stands for itself except "&", which
 * starts a run of UTF-16BE in modified base64 ("," instead of "/", no padding) ended by "-"; "&-" is "&".
 */
public final class ModifiedUtf7 {
  private ModifiedUtf7() {}

  private static final Base64.Decoder DECODER = Base64.getDecoder();
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

  /** The Unicode name; throws IllegalArgumentException if the name is not valid modified UTF-7. */
  public static String decode(String wire) {
    StringBuilder out = new StringBuilder(wire.length());
    int i = 0;
    while (i < wire.length()) {
      char c = wire.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("8-bit or control character in mailbox name");
      }
      if (c != '&') {
        out.append(c);
        i++;
        continue;
      }
      int end = wire.indexOf('-', i + 1);
      if (end < 0) {
        throw new IllegalArgumentException("unterminated &-shift in mailbox name");
      }
      if (end == i + 1) {
        out.append('&');
        i = end + 1;
        continue;
      }
      String b64 = wire.substring(i + 1, end).replace(',', '/');
      byte[] utf16;
      try {
        utf16 = DECODER.decode(b64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad base64 in mailbox name");
      }
      if (utf16.length % 2 != 0 || b64.contains("=")) {
        throw new IllegalArgumentException("bad UTF-16 in mailbox name");
      }
      String chunk;
      try {
        chunk = StandardCharsets.UTF_16BE.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf16)).toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("bad UTF-16 in mailbox name");
      }
      for (int k = 0; k < chunk.length(); k++) {
        char d = chunk.charAt(k);
        if (d >= 0x20 && d <= 0x7e) {
          // RFC 3501 §5.1.3: printable ASCII must not be shifted, so that every name has one spelling.
          throw new IllegalArgumentException("shifted printable character in mailbox name");
        }
      }
      out.append(chunk);
      i = end + 1;
    }
    return out.toString();
  }

  public static boolean isValid(String wire) {
    try {
      decode(wire);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static String encode(String name) {
    StringBuilder out = new StringBuilder(name.length());
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c == '&') {
        out.append("&-");
        i++;
      } else if (c >= 0x20 && c <= 0x7e) {
        out.append(c);
        i++;
      } else {
        int start = i;
        while (i < name.length() && (name.charAt(i) < 0x20 || name.charAt(i) > 0x7e)) {
          i++;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(name.substring(start, i).getBytes(StandardCharsets.UTF_16BE));
        out.append('&').append(ENCODER.encodeToString(b.toByteArray()).replace('/', ',')).append('-');
      }
    }
    return out.toString();
  }
}
