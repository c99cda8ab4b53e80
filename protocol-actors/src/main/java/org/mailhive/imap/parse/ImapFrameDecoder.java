package org.mailhive.imap.parse;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Splits the bytes a client sends into complete IMAP commands (RFC 3501 §2.2, §4.3; RFC 7888 LITERAL+/LITERAL-;
 * RFC 3516 literal8).
 *
 * <p>A command is one line, or several lines joined by literals: a line that ends in {@code {N}}, {@code {N+}} or
 * {@code ~{N}} is followed by exactly N bytes, and then the command continues on the next line. The decoder keeps the
 * command it is assembling and a mode: reading a line, reading a literal, skipping a literal it refused, or discarding
 * the rest of a command it refused. Bytes may arrive split anywhere; the events are the same however they are split.
 *
 * <p>Memory: a command holds at most {@code maxLinesPerCommand × (maxLineLength + 2)} line bytes plus
 * {@code (maxLinesPerCommand − 1) × maxLiteralSize} literal bytes, because every literal starts a new line. A refused
 * literal or line is never stored, so an enormous one costs no memory.
 *
 * <p>After {@link LineTooLong} or {@link LiteralTooBig} the decoder drops the command and resumes at the next command.
 * While it drops a command it still honours non-synchronising literals, so their bytes are skipped rather than read
 * as commands (a line that ends in {@code {N+}} is followed by N bytes whatever the server thinks of the line).
 */
public final class ImapFrameDecoder {

  /**
   * Lines per command when the caller does not choose: every literal starts a line, so this allows a MULTIAPPEND
   * (RFC 3502) of 63 messages or a SEARCH with 63 literal strings, which is far beyond what real clients send.
   */
  public static final int DEFAULT_MAX_LINES_PER_COMMAND = 64;

  /** What the decoder found in the bytes, in the order the client sent it. */
  public sealed interface Event permits Frame, ContinuationNeeded, LineTooLong, LiteralTooBig {}

  /** One complete command from tag to end, literals inline as received, the final CRLF removed. */
  public record Frame(ByteString raw) implements Event {}

  /** RFC 3501 §7.5: the client announced a synchronising literal and waits for a "+" continuation request. */
  public record ContinuationNeeded() implements Event {}

  /** A line exceeded maxLineLength, or a command exceeded its line count; the command is dropped. */
  public record LineTooLong(String tag) implements Event {}

  /**
   * An announced literal exceeds maxLiteralSize; the command is dropped. RFC 7889 §4: answer {@code NO [TOOBIG]}.
   * For a synchronising literal the client sends no bytes; a non-synchronising one is skipped without storing it.
   */
  public record LiteralTooBig(String tag, boolean synchronizing) implements Event {}

  /** The tag reported when the command's first token could not be read. */
  static final String UNKNOWN_TAG = "*";

  private enum Mode { LINE, LITERAL, SKIP_LITERAL, DISCARD }

  private final ImapLimits limits;
  private final int maxLinesPerCommand;
  private final ByteStringBuilder command = new ByteStringBuilder();
  private final LiteralMarkerScanner marker = new LiteralMarkerScanner();

  private Mode mode = Mode.LINE;
  /** Bytes of the current line so far, a trailing CR included; literal bytes never count. */
  private int lineBytes;
  private byte lastByte;
  private int linesInCommand = 1;
  private long literalRemaining;

  private boolean emptyLineIsFrame;

  /**
   * While on, an empty line is a frame: the empty answer a SASL client gives to a last challenge (RFC 4422 §5,
   * SCRAM's server-final-message). Otherwise an empty line is ignored.
   */
  public void emptyLineIsFrame(boolean on) {
    emptyLineIsFrame = on;
  }

  public ImapFrameDecoder(ImapLimits limits) {
    this(limits, DEFAULT_MAX_LINES_PER_COMMAND);
  }

  public ImapFrameDecoder(ImapLimits limits, int maxLinesPerCommand) {
    if (maxLinesPerCommand < 1) {
      throw new IllegalArgumentException("maxLinesPerCommand must be positive: " + maxLinesPerCommand);
    }
    this.limits = limits;
    this.maxLinesPerCommand = maxLinesPerCommand;
  }

  /** True while part of a command (a line without its end, a literal being received) has arrived. */
  public boolean midCommand() {
    return mode != Mode.LINE || command.length() > 0 || lineBytes > 0;
  }

  /** Consumes the next bytes from the client and returns what they completed, in order. */
  public List<Event> feed(ByteString bytes) {
    List<Event> events = new ArrayList<>(1);
    byte[] in = bytes.toArrayUnsafe();
    int i = 0;
    while (i < in.length) {
      i = switch (mode) {
        case LINE -> readLine(in, i, events);
        case LITERAL -> readLiteral(in, i);
        case SKIP_LITERAL -> skipLiteral(in, i);
        case DISCARD -> discardLine(in, i);
      };
    }
    return events;
  }

  private int readLine(byte[] in, int from, List<Event> events) {
    // One line byte may be CR, which is not content: allow it before calling the line too long.
    long storable = (long) limits.maxLineLength() + 1;
    int i = from;
    while (i < in.length) {
      byte b = in[i];
      if (b == ImapChars.LF) {
        command.putBytes(in, from, i - from);
        endLine(events);
        return i + 1;
      }
      marker.feed(b);
      lastByte = b;
      lineBytes++;
      i++;
      if (lineBytes > storable) {
        command.putBytes(in, from, i - from - 1);
        refuseLine(events);
        return i;
      }
    }
    command.putBytes(in, from, i - from);
    return i;
  }

  private void endLine(List<Event> events) {
    // RFC 3501 §2.2: lines end with CRLF; a bare LF is accepted too, as most servers do.
    boolean endsWithCr = lastByte == ImapChars.CR;
    int content = lineBytes - (endsWithCr ? 1 : 0);
    if (content > limits.maxLineLength()) {
      refuseLine(events);
      endDiscardedLine();
    } else if (marker.atMarker()) {
      announceLiteral(events);
    } else if (content == 0 && linesInCommand == 1 && !emptyLineIsFrame) {
      resetCommand(); // an empty line is no command; ignore it rather than answer BAD to nothing
    } else {
      ByteString raw = command.result();
      events.add(new Frame(endsWithCr ? raw.dropRight(1) : raw));
      resetCommand();
    }
  }

  private void announceLiteral(List<Event> events) {
    long size = marker.size();
    boolean synchronizing = marker.synchronizing();
    if (size > limits.maxLiteralSize()) {
      events.add(new LiteralTooBig(tag(), synchronizing));
      abandonAtLiteral(synchronizing, size);
    } else if (linesInCommand >= maxLinesPerCommand) {
      events.add(new LineTooLong(tag()));
      abandonAtLiteral(synchronizing, size);
    } else {
      command.putByte(ImapChars.LF);
      if (synchronizing) {
        events.add(new ContinuationNeeded());
      }
      linesInCommand++;
      startLine();
      literalRemaining = size;
      mode = size == 0 ? Mode.LINE : Mode.LITERAL;
    }
  }

  /**
   * RFC 3501 §7.5: after refusing a synchronising literal the client sends no bytes and abandons the command.
   * RFC 7888 §4: a non-synchronising literal is on its way regardless, so skip its bytes and drop the rest.
   */
  private void abandonAtLiteral(boolean synchronizing, long size) {
    if (synchronizing) {
      resetCommand();
    } else {
      command.clear();
      startSkip(size);
    }
  }

  private void refuseLine(List<Event> events) {
    events.add(new LineTooLong(tag()));
    command.clear();
    mode = Mode.DISCARD;
  }

  private int discardLine(byte[] in, int from) {
    for (int i = from; i < in.length; i++) {
      byte b = in[i];
      if (b == ImapChars.LF) {
        endDiscardedLine();
        return i + 1;
      }
      marker.feed(b);
    }
    return in.length;
  }

  private void endDiscardedLine() {
    if (marker.atMarker() && !marker.synchronizing()) {
      startSkip(marker.size());
    } else {
      resetCommand();
    }
  }

  private void startSkip(long size) {
    startLine();
    literalRemaining = size;
    mode = size == 0 ? Mode.DISCARD : Mode.SKIP_LITERAL;
  }

  private int readLiteral(byte[] in, int from) {
    int take = (int) Math.min(literalRemaining, in.length - from);
    command.putBytes(in, from, take);
    literalRemaining -= take;
    if (literalRemaining == 0) {
      mode = Mode.LINE;
    }
    return from + take;
  }

  private int skipLiteral(byte[] in, int from) {
    int take = (int) Math.min(literalRemaining, in.length - from);
    literalRemaining -= take;
    if (literalRemaining == 0) {
      mode = Mode.DISCARD;
    }
    return from + take;
  }

  private void startLine() {
    lineBytes = 0;
    lastByte = 0;
    marker.reset();
  }

  private void resetCommand() {
    command.clear();
    linesInCommand = 1;
    startLine();
    mode = Mode.LINE;
  }

  /** The command's first token if it is a valid tag and was read whole, so the session can answer tagged. */
  private String tag() {
    ByteString soFar = command.result();
    int space = soFar.indexOf(ImapChars.SP);
    if (space <= 0) {
      return UNKNOWN_TAG;
    }
    for (int i = 0; i < space; i++) {
      if (!ImapChars.isTagChar(soFar.apply(i))) {
        return UNKNOWN_TAG;
      }
    }
    return soFar.take(space).utf8String();
  }
}
