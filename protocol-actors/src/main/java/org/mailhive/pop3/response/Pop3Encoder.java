package org.mailhive.pop3.response;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Turns POP3 replies into bytes: status lines ({@code +OK}/{@code -ERR}) and multi-line responses, which RFC 1939
 * §3 terminates with a line holding only "." and in which every line starting with "." gets one more
 * ("byte-stuffing"). No other POP3 class writes bytes.
 */
public final class Pop3Encoder {
  private Pop3Encoder() {}

  private static final ByteString CRLF = ByteString.fromString("\r\n");
  private static final ByteString END = ByteString.fromString(".\r\n");
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte DOT = '.';

  public static ByteString ok(String text) {
    return line("+OK" + (text.isEmpty() ? "" : " " + text));
  }

  public static ByteString err(String text) {
    return line("-ERR " + text);
  }

  /** A multi-line response from text lines (CAPA, LIST, UIDL, AUTH): status, stuffed lines, terminator. */
  public static ByteString multiLine(String status, List<String> lines) {
    ByteStringBuilder out = new ByteStringBuilder();
    out.append(ok(status));
    for (String l : lines) {
      if (l.startsWith(".")) {
        out.putByte(DOT);
      }
      out.append(line(l));
    }
    return out.append(END).result();
  }

  /** RETR: the whole message, byte-stuffed and terminated. */
  public static ByteString message(String status, ByteString message) {
    return ok(status).concat(stuff(message, -1)).concat(END);
  }

  /**
   * TOP (RFC 1939 §7): the header, the blank line after it, and the first {@code bodyLines} lines of the body,
   * byte-stuffed and terminated.
   */
  public static ByteString top(String status, ByteString message, int bodyLines) {
    return ok(status).concat(stuff(message, bodyLines)).concat(END);
  }

  /**
   * Byte-stuffs a message and makes sure it ends with CRLF, so the terminator stands on its own line. With
   * {@code bodyLines} >= 0, stops after that many lines following the first empty line (the header's end).
   * A bare LF in a stored message is written as CRLF: RFC 1939 §3 has every line end in CRLF.
   */
  static ByteString stuff(ByteString message, int bodyLines) {
    ByteStringBuilder out = new ByteStringBuilder();
    out.sizeHint(message.size() + message.size() / 64 + 2);
    boolean inHeader = true;
    int bodyLinesLeft = bodyLines;
    int start = 0;
    int n = message.size();
    while (start < n) {
      if (!inHeader && bodyLines >= 0 && bodyLinesLeft-- <= 0) {
        break;
      }
      int lf = message.indexOf(LF, start);
      int end = lf < 0 ? n : lf;
      int textEnd = end > start && message.apply(end - 1) == CR ? end - 1 : end;
      if (message.apply(start) == DOT) {
        out.putByte(DOT);
      }
      out.append(message.slice(start, textEnd)).append(CRLF);
      if (inHeader && textEnd == start) {
        inHeader = false;
      }
      start = lf < 0 ? n : lf + 1;
    }
    return out.result();
  }

  private static ByteString line(String text) {
    return ByteString.fromString(text + "\r\n", StandardCharsets.UTF_8);
  }
}
