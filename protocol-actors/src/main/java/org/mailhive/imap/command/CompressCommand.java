package org.mailhive.imap.command;

import java.util.Locale;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.imap.response.ImapResponse;
import org.mailhive.net.Connection;

/**
 * COMPRESS (RFC 4978): {@code COMPRESS DEFLATE} switches the connection to raw DEFLATE in both directions, after
 * the tagged OK, which itself goes out uncompressed. The compression itself is {@link org.mailhive.net.DeflateLayer},
 * below the session and above TLS; this class decides whether it may start.
 */
public final class CompressCommand {
  private CompressCommand() {}

  public static final String CAPABILITY = "COMPRESS=DEFLATE";
  public static final String DEFLATE = "DEFLATE";
  public static final String STARTED = "DEFLATE active";
  /** RFC 4978 §3: a second COMPRESS (or compression by another layer) is refused with this code. */
  public static final String ALREADY_ACTIVE = "[COMPRESSIONACTIVE] DEFLATE already active";
  /** RFC 4978 §3: BAD for an algorithm the server does not know. */
  public static final String UNKNOWN_ALGORITHM = "[CLIENTBUG] Unknown compression algorithm";
  /**
   * Bytes after COMPRESS in the same read were sent before the client could see our OK, so it cannot know whether
   * they should be compressed. Dovecot refuses such pipelining too; the pipelined commands then run uncompressed.
   */
  public static final String PIPELINED = "[CLIENTBUG] COMPRESS cannot be pipelined";

  /** What the session should answer. */
  public enum Outcome { START, ALREADY_ACTIVE, UNKNOWN_ALGORITHM, PIPELINED }

  /** {@code COMPRESS algorithm}. */
  public static String parse(ImapArgs args) throws ImapParseException {
    args.sp();
    String algorithm = args.atom().toUpperCase(Locale.ROOT);
    args.end();
    return algorithm;
  }

  /**
   * Decides about {@code COMPRESS algorithm} on {@code conn}; {@code moreInput} says whether the client already
   * sent bytes after the command.
   */
  public static Outcome decide(String algorithm, Connection conn, boolean moreInput) {
    if (!algorithm.equals(DEFLATE)) {
      return Outcome.UNKNOWN_ALGORITHM;
    }
    if (conn.compressionActive()) {
      return Outcome.ALREADY_ACTIVE;
    }
    return moreInput ? Outcome.PIPELINED : Outcome.START;
  }

  /** Answers {@code tag}; for START the OK goes out first, uncompressed, then compression starts. */
  public static void run(String tag, ImapArgs args, Connection conn, boolean moreInput) throws ImapParseException {
    String algorithm = parse(args);
    switch (decide(algorithm, conn, moreInput)) {
      case START -> {
        conn.send(ImapResponse.tagged(tag, "OK", STARTED));
        conn.startCompression();
      }
      case ALREADY_ACTIVE -> conn.send(ImapResponse.tagged(tag, "NO", ALREADY_ACTIVE));
      case UNKNOWN_ALGORITHM -> conn.send(ImapResponse.tagged(tag, "BAD", UNKNOWN_ALGORITHM));
      case PIPELINED -> conn.send(ImapResponse.tagged(tag, "BAD", PIPELINED));
    }
  }
}
