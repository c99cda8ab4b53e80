package org.mailhive.bench.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A small asynchronous POP3 client (RFC 1939): greeting, USER/PASS, and single- or multi-line commands. No STLS:
 * the bench measures servers on loopback, where ours and Dovecot accept plaintext logins when configured to.
 */
public final class Pop3Client implements AutoCloseable {
  /** Longest multi-line answer followed (UIDL of a large mailbox fits); more means a broken server. */
  private static final int MAX_LINES = 1_000_000;

  private final AsyncConnection conn;

  private Pop3Client(AsyncConnection conn) {
    this.conn = conn;
  }

  /** Connects and reads the {@code +OK} greeting; fails with an IOException on any other greeting. */
  public static CompletableFuture<Pop3Client> connect(AsynchronousChannelGroup group, InetSocketAddress address,
                                                      Duration timeout) {
    return AsyncConnection.open(group, address, timeout).thenCompose(c -> {
      Pop3Client client = new Pop3Client(c);
      return c.readLine().thenApply(greeting -> {
        if (!greeting.startsWith("+OK")) {
          client.close();
          throw new java.util.concurrent.CompletionException(new IOException("POP3 greeting: " + greeting));
        }
        return client;
      });
    });
  }

  /** USER then PASS; the reply is PASS's, or USER's when that one failed. */
  public CompletableFuture<Pop3Reply> login(String user, String password) {
    return command("USER " + user).thenCompose(r -> r.ok() ? command("PASS " + password)
        : CompletableFuture.completedFuture(r));
  }

  /** A command with a one-line answer (USER, PASS, STAT, DELE, NOOP, RSET, QUIT). */
  public CompletableFuture<Pop3Reply> command(String line) {
    return conn.writeLine(line).thenCompose(v -> conn.readLine())
        .thenApply(status -> new Pop3Reply(status.startsWith("+OK"), status, List.of()));
  }

  /** A command whose {@code +OK} is followed by lines up to a lone "." (LIST, UIDL, RETR, TOP). */
  public CompletableFuture<Pop3Reply> multiLine(String line) {
    return conn.writeLine(line).thenCompose(v -> conn.readLine()).thenCompose(status -> {
      if (!status.startsWith("+OK")) {
        return CompletableFuture.completedFuture(new Pop3Reply(false, status, List.of()));
      }
      return readBody(new ArrayList<>()).thenApply(lines -> new Pop3Reply(true, status, lines));
    });
  }

  private CompletableFuture<List<String>> readBody(List<String> lines) {
    CompletableFuture<List<String>> result = new CompletableFuture<>();
    readBodyInto(lines, result);
    return result;
  }

  /** Loops over buffered lines without recursion (a large RETR is many lines); waits on the socket otherwise. */
  private void readBodyInto(List<String> lines, CompletableFuture<List<String>> result) {
    while (true) {
      CompletableFuture<String> next = conn.readLine();
      if (!next.isDone()) {
        next.whenComplete((line, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else if (takeLine(line, lines, result)) {
            readBodyInto(lines, result);
          }
        });
        return;
      }
      String line;
      try {
        line = next.join();
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      if (!takeLine(line, lines, result)) {
        return;
      }
    }
  }

  /** Adds one body line; false when the answer is complete (or failed) and {@code result} is done. */
  private static boolean takeLine(String line, List<String> lines, CompletableFuture<List<String>> result) {
    if (line.equals(".")) {
      result.complete(lines);
      return false;
    }
    if (lines.size() >= MAX_LINES) {
      result.completeExceptionally(new IOException("POP3 answer longer than " + MAX_LINES + " lines"));
      return false;
    }
    lines.add(line.startsWith("..") ? line.substring(1) : line);
    return true;
  }

  @Override
  public void close() {
    conn.close();
  }
}
