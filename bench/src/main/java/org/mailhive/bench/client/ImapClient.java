package org.mailhive.bench.client;

import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small asynchronous IMAP4rev1 client (RFC 3501): one command at a time, literals in responses followed, the
 * selected mailbox's message count tracked from untagged EXISTS and EXPUNGE so the scenario picks valid sequence
 * numbers. Plaintext only (loopback), like {@link SmtpClient}.
 */
public final class ImapClient implements AutoCloseable {
  /** A response longer than this many lines (untagged plus continuations) means a runaway server. */
  private static final int MAX_RESPONSE_LINES = 100_000;
  /** Keep at most this many untagged lines per response; the rest are only counted. */
  private static final int MAX_KEPT_UNTAGGED = 64;
  private static final Pattern LITERAL_AT_END = Pattern.compile("\\{(\\d{1,10})\\+?}$");
  private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS", Pattern.CASE_INSENSITIVE);
  private static final Pattern EXPUNGE = Pattern.compile("^\\* (\\d+) EXPUNGE", Pattern.CASE_INSENSITIVE);

  private final AsyncConnection conn;
  private long nextTag = 1;
  private volatile int exists;

  private ImapClient(AsyncConnection conn) {
    this.conn = conn;
  }

  /** Connects and reads the greeting, which must be {@code * OK} (or PREAUTH). */
  public static CompletableFuture<ImapClient> connect(AsynchronousChannelGroup group, InetSocketAddress address,
                                                      Duration timeout) {
    return AsyncConnection.open(group, address, timeout).thenCompose(c -> {
      ImapClient client = new ImapClient(c);
      return c.readLine().thenApply(greeting -> {
        String g = greeting.toUpperCase(Locale.ROOT);
        if (!g.startsWith("* OK") && !g.startsWith("* PREAUTH")) {
          client.close();
          throw new ImapException("greeting: " + greeting);
        }
        return client;
      });
    });
  }

  /** Messages in the selected mailbox as far as this session has been told. */
  public int exists() {
    return exists;
  }

  public CompletableFuture<ImapResponse> login(String user, String password) {
    return command("LOGIN " + quoted(user) + " " + quoted(password));
  }

  /** Sends {@code tag SP line} and reads up to and including the tagged response. */
  public CompletableFuture<ImapResponse> command(String line) {
    String tag = nextTag();
    return conn.writeLine(tag + " " + line).thenCompose(v -> readResponse(tag, new Accumulator()));
  }

  /** APPEND with a synchronizing literal (RFC 3501 §7.5), so it works on servers without LITERAL+. */
  public CompletableFuture<ImapResponse> append(String mailbox, String flags, byte[] message) {
    String tag = nextTag();
    String head = tag + " APPEND " + quoted(mailbox) + (flags.isEmpty() ? "" : " (" + flags + ")")
        + " {" + message.length + "}";
    Accumulator acc = new Accumulator();
    return conn.writeLine(head).thenCompose(v -> awaitContinuation(tag, acc, 0)).thenCompose(tagged -> {
      if (tagged != null) {
        return CompletableFuture.completedFuture(tagged); // refused before the literal
      }
      byte[] literal = new byte[message.length + 2];
      System.arraycopy(message, 0, literal, 0, message.length);
      literal[message.length] = '\r';
      literal[message.length + 1] = '\n';
      return conn.write(literal).thenCompose(v -> readResponse(tag, acc));
    });
  }

  /**
   * IDLE (RFC 2177): waits for the continuation, stays idle for {@code idleTime}, then DONE. Updates arriving
   * meanwhile are read with the tagged response. A server without IDLE answers BAD, which is returned as is.
   */
  public CompletableFuture<ImapResponse> idle(Duration idleTime, ScheduledExecutorService timer) {
    String tag = nextTag();
    Accumulator acc = new Accumulator();
    return conn.writeLine(tag + " IDLE").thenCompose(v -> awaitContinuation(tag, acc, 0)).thenCompose(tagged -> {
      if (tagged != null) {
        return CompletableFuture.completedFuture(tagged);
      }
      CompletableFuture<Void> waited = new CompletableFuture<>();
      timer.schedule(() -> waited.complete(null), idleTime.toMillis(), TimeUnit.MILLISECONDS);
      return waited.thenCompose(v -> conn.writeLine("DONE")).thenCompose(v -> readResponse(tag, acc));
    });
  }

  /**
   * Sends IDLE and completes at the server's "+", leaving the session idle (for the idle scenario, which then only
   * holds the connection); completes with the tagged response instead if the server refused.
   */
  public CompletableFuture<ImapResponse> enterIdle() {
    String tag = nextTag();
    return conn.writeLine(tag + " IDLE").thenCompose(v -> awaitContinuation(tag, new Accumulator(), 0));
  }

  /** Completes with null at "+", or with the tagged response if the server refused. */
  private CompletableFuture<ImapResponse> awaitContinuation(String tag, Accumulator acc, int lines) {
    if (lines > MAX_RESPONSE_LINES) {
      return CompletableFuture.failedFuture(new ImapException("no continuation after " + lines + " lines"));
    }
    return conn.readLine().thenCompose(line -> {
      if (line.startsWith("+")) {
        return CompletableFuture.completedFuture(null);
      }
      if (line.startsWith(tag + " ")) {
        return CompletableFuture.completedFuture(tagged(tag, line, acc));
      }
      return readFullLine(line, acc).thenCompose(full -> {
        acc.untagged(full);
        return awaitContinuation(tag, acc, lines + 1);
      });
    });
  }

  private CompletableFuture<ImapResponse> readResponse(String tag, Accumulator acc) {
    if (acc.lines > MAX_RESPONSE_LINES) {
      return CompletableFuture.failedFuture(new ImapException("response longer than " + MAX_RESPONSE_LINES + " lines"));
    }
    return conn.readLine().thenCompose(line -> {
      if (line.startsWith(tag + " ")) {
        return CompletableFuture.completedFuture(tagged(tag, line, acc));
      }
      return readFullLine(line, acc).thenCompose(full -> {
        acc.untagged(full);
        return readResponse(tag, acc);
      });
    });
  }

  /** Follows literals: "... {12}" CRLF 12 bytes, then the rest of the response line. Contents are skipped. */
  private CompletableFuture<String> readFullLine(String line, Accumulator acc) {
    Matcher m = LITERAL_AT_END.matcher(line);
    if (!m.find()) {
      return CompletableFuture.completedFuture(line);
    }
    long n = Long.parseLong(m.group(1));
    if (n > Integer.MAX_VALUE) {
      return CompletableFuture.failedFuture(new ImapException("literal of " + n + " bytes"));
    }
    acc.literalBytes += n;
    if (++acc.lines > MAX_RESPONSE_LINES) {
      return CompletableFuture.failedFuture(new ImapException("response longer than " + MAX_RESPONSE_LINES + " lines"));
    }
    String before = line.substring(0, m.start());
    return conn.readExactly((int) n)
        .thenCompose(ignored -> conn.readLine())
        .thenCompose(rest -> readFullLine(before + "{" + n + " bytes}" + rest, acc));
  }

  private ImapResponse tagged(String tag, String line, Accumulator acc) {
    String rest = line.substring(tag.length() + 1);
    int space = rest.indexOf(' ');
    String status = (space < 0 ? rest : rest.substring(0, space)).toUpperCase(Locale.ROOT);
    String text = space < 0 ? "" : rest.substring(space + 1);
    return new ImapResponse(status, text, List.copyOf(acc.kept), acc.literalBytes);
  }

  private String nextTag() {
    return "b" + nextTag++;
  }

  /** A quoted string (RFC 3501 §4.3); backslash and quote escaped. */
  static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() {
    conn.close();
  }

  private final class Accumulator {
    final List<String> kept = new ArrayList<>();
    long literalBytes;
    int lines;

    void untagged(String line) {
      lines++;
      Matcher e = EXISTS.matcher(line);
      if (e.find()) {
        exists = Integer.parseInt(e.group(1));
      } else if (EXPUNGE.matcher(line).find()) {
        exists = Math.max(0, exists - 1);
      }
      if (kept.size() < MAX_KEPT_UNTAGGED) {
        kept.add(line);
      }
    }
  }

  /** A response the client cannot continue after. */
  public static final class ImapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImapException(String message) {
      super(message);
    }
  }
}
