package org.mailhive.imap.parse;

/**
 * Recognises a literal marker ({@code {N}}, {@code {N+}}, and so {@code ~{N}}) at the end of a line while the line
 * streams past, one byte at a time, without keeping the line. The frame decoder uses it both for lines it stores and
 * for lines it discards, so a discarded command's non-synchronising literals are still skipped and never read as
 * commands.
 */
final class LiteralMarkerScanner {
  /** Any announced size at or above this is certainly too big; stop multiplying so the value cannot overflow. */
  private static final long SATURATED = Long.MAX_VALUE / 10;
  private static final int DECIMAL = 10;

  private enum State { NONE, OPEN, DIGITS, PLUS, CLOSED, CLOSED_CR }

  private State state = State.NONE;
  private long size;
  private boolean synchronizing;

  void reset() {
    state = State.NONE;
  }

  void feed(byte b) {
    if (b == ImapChars.OPEN_BRACE) {
      state = State.OPEN;
      size = 0;
    } else if (ImapChars.isDigit(b) && (state == State.OPEN || state == State.DIGITS)) {
      state = State.DIGITS;
      size = size >= SATURATED ? SATURATED : size * DECIMAL + (b - '0');
    } else if (b == ImapChars.PLUS && state == State.DIGITS) {
      state = State.PLUS;
    } else if (b == ImapChars.CLOSE_BRACE && (state == State.DIGITS || state == State.PLUS)) {
      // RFC 7888 §3: "+" before the brace makes the literal non-synchronising.
      synchronizing = state == State.DIGITS;
      state = State.CLOSED;
    } else if (b == ImapChars.CR && state == State.CLOSED) {
      state = State.CLOSED_CR;
    } else {
      state = State.NONE;
    }
  }

  /** Whether the bytes fed since the last reset end with a literal marker (optionally followed by CR). */
  boolean atMarker() {
    return state == State.CLOSED || state == State.CLOSED_CR;
  }

  /** The announced size; saturates far above any 32-bit number, so a huge announcement is simply too big. */
  long size() {
    return size;
  }

  boolean synchronizing() {
    return synchronizing;
  }
}
