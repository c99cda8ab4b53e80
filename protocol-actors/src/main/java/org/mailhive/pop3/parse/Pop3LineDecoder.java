package org.mailhive.pop3.parse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Splits a POP3 client's bytes into command lines (RFC 1939 §3: commands end with CRLF). A bare LF is accepted
 * as a line end too, as Dovecot does. State: the bytes of the unfinished line, never more than
 * {@code maxLineLength + 1}; an overlong line yields one {@link LineTooLong}, its remaining bytes are skipped up
 * to the next LF and decoding resumes with the following line.
 */
public final class Pop3LineDecoder {

  public sealed interface Event permits Line, LineTooLong {}

  /** One line without its ending, decoded as UTF-8 (RFC 6856 lets UTF-8 reach POP3 after UTF8; harmless otherwise). */
  public record Line(String text) implements Event {}

  public record LineTooLong() implements Event {}

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final int maxLineLength;
  private ByteStringBuilder line = new ByteStringBuilder();
  private boolean skipping;

  /** @param maxLineLength longest line accepted, without CRLF ({@code mailhive.pop3.limits.max-line-length}) */
  public Pop3LineDecoder(int maxLineLength) {
    if (maxLineLength < 1) {
      throw new IllegalArgumentException("maxLineLength must be positive: " + maxLineLength);
    }
    this.maxLineLength = maxLineLength;
  }

  /** Returns every event the bytes complete; an unfinished line waits for more. */
  public List<Event> feed(ByteString bytes) {
    List<Event> events = new ArrayList<>();
    ByteString rest = bytes;
    while (!rest.isEmpty()) {
      int lf = rest.indexOf(LF);
      if (skipping) {
        if (lf < 0) {
          return events;
        }
        skipping = false;
        rest = rest.drop(lf + 1);
        continue;
      }
      int end = lf < 0 ? rest.size() : lf;
      // +1: room for the CR of a CRLF whose LF has not arrived yet.
      if (line.length() + end > maxLineLength + 1) {
        line = new ByteStringBuilder();
        events.add(new LineTooLong());
        if (lf < 0) {
          skipping = true;
          return events;
        }
        rest = rest.drop(lf + 1);
        continue;
      }
      line.append(rest.take(end));
      if (lf < 0) {
        return events;
      }
      rest = rest.drop(lf + 1);
      ByteString text = line.result();
      line = new ByteStringBuilder();
      if (!text.isEmpty() && text.apply(text.size() - 1) == CR) {
        text = text.dropRight(1);
      }
      events.add(text.size() > maxLineLength ? new LineTooLong() : new Line(text.decodeString(StandardCharsets.UTF_8)));
    }
    return events;
  }
}
