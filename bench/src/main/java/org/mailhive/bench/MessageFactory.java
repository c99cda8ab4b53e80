package org.mailhive.bench;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Test messages of an exact size: RFC 5322 headers naming the run and the message number, then a body of 76-char
 * lines (under the 78 of RFC 5322 §2.1.1) padded so the whole message is {@code size} bytes (at least the headers).
 */
public final class MessageFactory {
  private static final byte[] LINE = ("The quick brown fox jumps over the lazy dog; mailhive bench filler text 0123\r\n")
      .getBytes(StandardCharsets.US_ASCII);

  private MessageFactory() {}

  public static byte[] create(String runId, long index, String from, String to, int size) {
    String headers = "From: <" + from + ">\r\n"
        + "To: <" + to + ">\r\n"
        + "Subject: mailhive-bench " + runId + " #" + index + "\r\n"
        + "Message-ID: <" + runId + "." + index + "@bench.mailhive>\r\n"
        + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
        + "X-Bench-Run: " + runId + "\r\n"
        + "\r\n";
    byte[] head = headers.getBytes(StandardCharsets.US_ASCII);
    int total = Math.max(size, head.length + 2);
    byte[] out = new byte[total];
    System.arraycopy(head, 0, out, 0, head.length);
    int pos = head.length;
    while (pos < total - 2) {
      int n = Math.min(LINE.length - 2, total - 2 - pos);
      System.arraycopy(LINE, 0, out, pos, n);
      pos += n;
      if (pos < total - 2 && n == LINE.length - 2) {
        // a full line: end it; a partial last line ends below
        int room = Math.min(2, total - 2 - pos);
        if (room == 2) {
          out[pos++] = '\r';
          out[pos++] = '\n';
        }
      }
    }
    while (pos < total - 2) {
      out[pos++] = 'x';
    }
    out[total - 2] = '\r';
    out[total - 1] = '\n';
    return out;
  }
}
