package org.mailhive.bench.client;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A small asynchronous SMTP client (RFC 5321): greeting, EHLO, one transaction per message, QUIT. No STARTTLS:
 * the bench measures servers on loopback, where ours and Postfix accept plaintext.
 */
public final class SmtpClient implements AutoCloseable {
  /** Longest multi-line reply we follow; a server sending more is broken. */
  private static final int MAX_REPLY_LINES = 1000;

  private final AsyncConnection conn;

  private SmtpClient(AsyncConnection conn) {
    this.conn = conn;
  }

  /** Connects and reads the 220 greeting; fails with {@link SmtpException} on any other greeting. */
  public static CompletableFuture<SmtpClient> connect(AsynchronousChannelGroup group, InetSocketAddress address,
                                                      Duration timeout) {
    return AsyncConnection.open(group, address, timeout).thenCompose(c -> {
      SmtpClient client = new SmtpClient(c);
      return client.readReply().thenApply(greeting -> {
        if (greeting.code() != 220) {
          client.close();
          throw new SmtpException("greeting", greeting);
        }
        return client;
      });
    });
  }

  public CompletableFuture<SmtpReply> command(String line) {
    return conn.writeLine(line).thenCompose(v -> readReply());
  }

  /**
   * One mail transaction. Completes with the first negative reply (MAIL, RCPT or DATA) or with the reply to the
   * final dot; fails only on I/O errors, so a caller can tell "rejected" from "failed".
   */
  public CompletableFuture<SmtpReply> send(String from, List<String> recipients, byte[] message) {
    CompletableFuture<SmtpReply> step = command("MAIL FROM:<" + from + ">");
    for (String rcpt : recipients) {
      step = step.thenCompose(r -> r.positive() ? command("RCPT TO:<" + rcpt + ">") : CompletableFuture.completedFuture(r));
    }
    return step
        .thenCompose(r -> r.positive() ? command("DATA") : CompletableFuture.completedFuture(r))
        .thenCompose(r -> {
          if (r.code() != 354) {
            // A negative RCPT/MAIL reply leaves a transaction open; RSET so the connection stays usable.
            return r.positive() ? CompletableFuture.completedFuture(new SmtpReply(r.code(), "unexpected: " + r.text()))
                : command("RSET").thenApply(ignored -> r);
          }
          return conn.write(dotStuffed(message)).thenCompose(v -> readReply());
        });
  }

  public CompletableFuture<SmtpReply> quit() {
    return command("QUIT");
  }

  private CompletableFuture<SmtpReply> readReply() {
    return readReplyLine(0);
  }

  private CompletableFuture<SmtpReply> readReplyLine(int linesSoFar) {
    return conn.readLine().thenCompose(line -> {
      if (line.length() < 3) {
        throw new SmtpException("malformed reply: " + line);
      }
      int code;
      try {
        code = Integer.parseInt(line.substring(0, 3));
      } catch (NumberFormatException e) {
        throw new SmtpException("malformed reply: " + line);
      }
      if (line.length() > 3 && line.charAt(3) == '-') {
        if (linesSoFar >= MAX_REPLY_LINES) {
          throw new SmtpException("reply longer than " + MAX_REPLY_LINES + " lines");
        }
        return readReplyLine(linesSoFar + 1);
      }
      return CompletableFuture.completedFuture(new SmtpReply(code, line.length() > 4 ? line.substring(4) : ""));
    });
  }

  /** RFC 5321 §4.5.2: a line starting with '.' gets one more; the message ends with CRLF.CRLF. */
  static byte[] dotStuffed(byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
    boolean lineStart = true;
    for (byte b : message) {
      if (lineStart && b == '.') {
        out.write('.');
      }
      out.write(b);
      lineStart = b == '\n';
    }
    if (!lineStart) {
      out.write('\r');
      out.write('\n');
    }
    out.write('.');
    out.write('\r');
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public void close() {
    conn.close();
  }

  /** A reply the client could not continue after; not an I/O error. */
  public static final class SmtpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SmtpException(String message) {
      super(message);
    }

    public SmtpException(String step, SmtpReply reply) {
      super(step + ": " + reply.code() + " " + reply.text());
    }
  }
}
