package org.mailhive.smtp.parse;

import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Decodes the message content that follows a {@code 354} reply, up to and including the
 * {@code CRLF.CRLF} terminator (RFC 5321 §4.1.1.4), undoing dot-stuffing (RFC 5321 §4.5.2).
 *
 * <p>The decoder is a byte-level state machine that remembers only where it is relative to the
 * start of a line, so the terminator is found however the input is split into chunks. Only the
 * exact sequence CR LF "." CR LF ends the data; the content right after {@code 354} counts as the
 * start of a line, so a lone {@code .CRLF} there is an empty message.
 *
 * <p>Two conditions make the decoder stop storing content and keep scanning to the terminator, so
 * that the session can reject the message and stay in step with the client: the content grew
 * beyond {@code maxMessageSize} ({@link TooBig}), or a bare CR or bare LF appeared
 * ({@link BareLineEnding}). The latter is the SMTP smuggling defence: a receiver that ended the
 * data at {@code <LF>.<LF>} or similar would see a second, forged message where the sending server
 * saw one. A bare line ending wins over size because it is the protocol violation.
 *
 * <p>Memory stays within {@code maxMessageSize} plus the chunk being decoded. One decoder serves
 * one message; it refuses input once it has returned a final result.
 */
public final class DataDecoder {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte DOT = '.';

  /** What one call to {@link #feed} found. */
  public sealed interface Result permits NeedMore, Complete, TooBig, BareLineEnding {}

  /** The terminator has not arrived yet. */
  public record NeedMore() implements Result {}

  /**
   * The whole message, unstuffed, ending with CRLF unless empty, without the terminator.
   * {@code remainder} holds the bytes after the terminator: commands the client pipelined.
   */
  public record Complete(ByteString message, ByteString remainder) implements Result {}

  /** The content exceeded the limit; the session answers 552 5.3.4 (RFC 5321 §4.5.3.1.10). */
  public record TooBig(ByteString remainder) implements Result {}

  /** The content held a bare CR or LF; the session must reject the whole message. */
  public record BareLineEnding(ByteString remainder) implements Result {}

  /** Where the scanner stands relative to the start of a line. */
  private enum State {
    /** After CRLF, or at the very start of the content. */
    LINE_START,
    IN_LINE,
    /** After a CR that may start a CRLF. */
    CR,
    /** After a dot at the start of a line, which has been left out of the message. */
    DOT,
    /** After "." CR at the start of a line, which has been left out of the message. */
    DOT_CR
  }

  private static final NeedMore NEED_MORE = new NeedMore();

  private final long maxMessageSize;
  private final ByteStringBuilder message = new ByteStringBuilder();
  private long storedBytes;
  private long bytesSeen;
  private State state = State.LINE_START;
  private boolean tooBig;
  private boolean bareLineEnding;
  private boolean finished;

  /** @param maxMessageSize the largest message stored, in octets after dot-unstuffing. */
  public DataDecoder(long maxMessageSize) {
    if (maxMessageSize < 0) {
      throw new IllegalArgumentException("maxMessageSize must not be negative: " + maxMessageSize);
    }
    this.maxMessageSize = maxMessageSize;
  }

  /** Content octets consumed so far, terminator included and remainder excluded. */
  public long bytesSeen() {
    return bytesSeen;
  }

  /** Scans the next chunk of content. */
  public Result feed(ByteString bytes) {
    if (finished) {
      throw new IllegalStateException("the message has already ended");
    }
    byte[] data = bytes.toArrayUnsafe();
    int length = data.length;
    // Bytes in [runStart, i) are copied to the message as they are; the scanner only ever leaves
    // out a line-leading dot and the terminator, so it copies runs rather than single bytes.
    int runStart = 0;
    int i = 0;
    while (i < length) {
      byte b = data[i];
      switch (state) {
        case IN_LINE -> {
          // Fast path: the body of a line holds neither CR nor LF.
          while (i < length && data[i] != CR && data[i] != LF) {
            i++;
          }
          if (i == length) {
            continue;
          }
          if (data[i] == CR) {
            state = State.CR;
          } else {
            bareLineEnding = true;
          }
        }
        case LINE_START -> {
          if (b == DOT) {
            // RFC 5321 §4.5.2: a line starting with a dot had one added by the client; remove it.
            store(bytes, runStart, i);
            runStart = i + 1;
            state = State.DOT;
          } else {
            inLine(b);
          }
        }
        case CR -> {
          if (b == LF) {
            state = State.LINE_START;
          } else {
            // RFC 5321 §2.3.8: CR only ever arrives as part of CRLF.
            bareLineEnding = true;
            state = b == CR ? State.CR : State.IN_LINE;
          }
        }
        case DOT -> {
          if (b == CR) {
            store(bytes, runStart, i);
            runStart = i + 1;
            state = State.DOT_CR;
          } else {
            inLine(b);
          }
        }
        case DOT_CR -> {
          if (b == LF) {
            finished = true;
            bytesSeen += i + 1;
            return finish(bytes.drop(i + 1));
          }
          // "." CR followed by anything but LF: that CR was bare (<CR>.<CR> must not end data).
          bareLineEnding = true;
          state = b == CR ? State.CR : State.IN_LINE;
        }
        default -> throw new IllegalStateException("unknown state " + state);
      }
      i++;
    }
    store(bytes, runStart, length);
    bytesSeen += length;
    return NEED_MORE;
  }

  /** A byte that is neither the leading dot nor part of a line ending continues the line. */
  private void inLine(byte b) {
    if (b == CR) {
      state = State.CR;
    } else {
      // RFC 5321 §2.3.8 and the SMTP smuggling advisories: a bare LF never ends a line here.
      bareLineEnding |= b == LF;
      state = State.IN_LINE;
    }
  }

  private void store(ByteString bytes, int from, int to) {
    if (tooBig || bareLineEnding) {
      // The message will be rejected; free what was stored instead of holding it to the end.
      if (storedBytes > 0) {
        message.clear();
        storedBytes = 0;
      }
      return;
    }
    if (from >= to) {
      return;
    }
    int count = to - from;
    if (storedBytes + count > maxMessageSize) {
      tooBig = true;
      message.clear();
      storedBytes = 0;
      return;
    }
    message.append(bytes.slice(from, to));
    storedBytes += count;
  }

  private Result finish(ByteString remainder) {
    if (bareLineEnding) {
      return new BareLineEnding(remainder);
    }
    if (tooBig) {
      return new TooBig(remainder);
    }
    // The run before the terminator was already stored when its leading dot was seen.
    return new Complete(message.result(), remainder);
  }
}
