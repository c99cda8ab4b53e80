package org.mailhive.smtp.parse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.util.ByteString;

/**
 * Splits the bytes of an SMTP session in command mode into lines (RFC 5321 §2.3.8).
 *
 * <p>The session {@link #offer offers} bytes as they arrive and {@link #next pulls} one event at a
 * time, so that it can stop after a {@code DATA} or {@code STARTTLS} line and take the rest of the
 * chunk with {@link #drainBuffered()} or throw it away with {@link #discardBuffered()}.
 * {@link #feed} is the convenience that offers and pulls everything.
 *
 * <p>State: offered bytes not yet examined, plus the start of the current line. The line
 * accumulator never holds more than {@code maxLineLength + 1} bytes (the extra byte is a CR that may
 * turn out to be half of the CRLF), so memory stays bounded whatever the client sends. A line that
 * is too long yields a single {@link LineTooLong}; its remaining bytes are dropped up to the next
 * LF, and decoding resumes with the following line.
 */
public final class SmtpLineDecoder {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  /** Start small: most command lines are short, and a limit may be configured far higher. */
  private static final int INITIAL_LINE_CAPACITY = 256;

  /** What the decoder found in the input. */
  public sealed interface Event permits Line, LineTooLong {}

  /**
   * One command line without its line ending. Decoded as UTF-8 because RFC 6531 (SMTPUTF8) allows
   * UTF-8 in addresses; malformed sequences become U+FFFD rather than failing the session.
   */
  public record Line(String text) implements Event {}

  /** True while part of a line has arrived without its end. */
  public boolean hasPartialLine() {
    return lineLength > 0 || !pending.isEmpty() || discardingOverlongLine;
  }

  /** A line exceeded the limit; RFC 5321 §4.5.3.1.4 lets the server answer 500 and carry on. */
  public record LineTooLong() implements Event {}

  private final int maxLineLength;
  private ByteString pending = ByteString.emptyByteString();
  private byte[] line;
  private int lineLength;
  private boolean discardingOverlongLine;

  /**
   * @param maxLineLength the longest line accepted, counted without its line ending. RFC 5321
   *     §4.5.3.1.4 allows 512 octets including CRLF, which is 510 here; servers may accept more.
   */
  public SmtpLineDecoder(int maxLineLength) {
    if (maxLineLength < 1) {
      throw new IllegalArgumentException("maxLineLength must be positive: " + maxLineLength);
    }
    this.maxLineLength = maxLineLength;
    this.line = new byte[Math.min(INITIAL_LINE_CAPACITY, maxLineLength + 1)];
  }

  /** Offers bytes and returns every event they complete. */
  public List<Event> feed(ByteString bytes) {
    offer(bytes);
    List<Event> events = new ArrayList<>();
    for (Optional<Event> event = next(); event.isPresent(); event = next()) {
      events.add(event.get());
    }
    return events;
  }

  /** Queues bytes for {@link #next()}; nothing is examined until then. */
  public void offer(ByteString bytes) {
    pending = pending.concat(bytes);
  }

  /** Returns the next event, or empty when the offered bytes hold no complete line. */
  public Optional<Event> next() {
    while (!pending.isEmpty()) {
      int lf = pending.indexOf(LF);
      if (discardingOverlongLine) {
        if (lf < 0) {
          pending = ByteString.emptyByteString();
          return Optional.empty();
        }
        pending = pending.drop(lf + 1);
        discardingOverlongLine = false;
        continue;
      }
      int end = lf < 0 ? pending.length() : lf;
      // The +1 leaves room for a CR whose LF has not arrived yet.
      if (end > maxLineLength + 1 - lineLength) {
        return Optional.of(overlong(lf));
      }
      append(pending.take(end));
      if (lf < 0) {
        pending = ByteString.emptyByteString();
        if (lineLength > maxLineLength && line[lineLength - 1] != CR) {
          return Optional.of(overlong(lf));
        }
        return Optional.empty();
      }
      pending = pending.drop(lf + 1);
      return Optional.of(completeLine());
    }
    return Optional.empty();
  }

  /**
   * Returns and forgets every byte after the last complete line, for the DATA decoder or a TLS
   * stage to consume. The decoder is then empty and ready for the next command line.
   */
  public ByteString drainBuffered() {
    ByteString rest = ByteString.fromArray(line, 0, lineLength).concat(pending);
    clear();
    return rest;
  }

  /**
   * Drops every byte after the last complete line and says how many there were. After STARTTLS the
   * session must not act on plaintext pipelined before the handshake (CVE-2011-0411, RFC 3207 §4).
   */
  public int discardBuffered() {
    int dropped = lineLength + pending.length();
    clear();
    return dropped;
  }

  private Event completeLine() {
    int textLength = lineLength;
    // RFC 5321 §2.3.8: CRLF ends a line. A bare LF is accepted as well, as Postfix does in
    // command mode, so a CR only belongs to the ending when it comes right before the LF.
    if (textLength > 0 && line[textLength - 1] == CR) {
      textLength--;
    }
    lineLength = 0;
    if (textLength > maxLineLength) {
      return new LineTooLong();
    }
    return new Line(new String(line, 0, textLength, StandardCharsets.UTF_8));
  }

  /** Forgets the line so far and skips to the LF at {@code lf}, or to one yet to come. */
  private Event overlong(int lf) {
    lineLength = 0;
    if (lf < 0) {
      pending = ByteString.emptyByteString();
      discardingOverlongLine = true;
    } else {
      pending = pending.drop(lf + 1);
    }
    return new LineTooLong();
  }

  private void append(ByteString bytes) {
    int needed = lineLength + bytes.length();
    if (needed > line.length) {
      byte[] grown = new byte[Math.min(maxLineLength + 1, Math.max(needed, line.length * 2))];
      System.arraycopy(line, 0, grown, 0, lineLength);
      line = grown;
    }
    for (ByteBuffer buffer : bytes.getByteBuffers()) {
      int n = buffer.remaining();
      buffer.get(line, lineLength, n);
      lineLength += n;
    }
  }

  private void clear() {
    pending = ByteString.emptyByteString();
    lineLength = 0;
    discardingOverlongLine = false;
  }
}
