package org.mailhive.imap.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * The parts of a raw message SEARCH HEADER/BODY/TEXT look at. Bodies are searched as stored (no MIME or
 * transfer decoding yet), which finds text in plain and 8bit parts but not inside base64.
 */
final class MessageText {
  private MessageText() {}

  static List<String> headerValues(ByteString message, String field) {
    List<String> out = new ArrayList<>();
    String header = header(message);
    String unfolded = header.replaceAll("\r?\n[ \t]", " ");
    for (String line : unfolded.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(field)) {
        out.add(line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  static String text(ByteString message) {
    String all = all(message);
    int end = headerEnd(all);
    return end < 0 ? "" : all.substring(end);
  }

  static String all(ByteString message) {
    return message == null ? "" : new String(message.toArrayUnsafe(), StandardCharsets.UTF_8);
  }

  private static String header(ByteString message) {
    String all = all(message);
    int end = headerEnd(all);
    return end < 0 ? all : all.substring(0, end);
  }

  private static int headerEnd(String all) {
    int crlf = all.indexOf("\r\n\r\n");
    if (crlf >= 0) {
      return crlf + 4;
    }
    int lf = all.indexOf("\n\n");
    return lf < 0 ? -1 : lf + 2;
  }
}
