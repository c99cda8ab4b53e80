package org.mailhive.bench.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection driven by NIO.2 completion handlers: no thread per connection, so one bench process can hold
 * tens of thousands of sockets. A connection is used by one protocol client at a time and has at most one read and
 * one write outstanding; every read and write carries the I/O timeout, so nothing waits forever.
 *
 * <p>The read buffer starts small (idle connections are the common case at scale) and grows up to
 * {@link #MAX_BUFFER}, which bounds both a line and a literal read in one piece.
 */
public final class AsyncConnection implements AutoCloseable {
  /** Start small: 50,000 idle connections × 2 KB is 100 MB of client heap. */
  static final int INITIAL_BUFFER = 2048;
  /** Largest line or literal the bench reads; bigger means a broken or hostile server. */
  static final int MAX_BUFFER = 64 * 1024 * 1024;

  private final AsynchronousSocketChannel channel;
  private final long timeoutMillis;
  private byte[] buf = new byte[INITIAL_BUFFER];
  private int start;
  private int end;
  private volatile boolean closed;

  private AsyncConnection(AsynchronousSocketChannel channel, Duration timeout) {
    this.channel = channel;
    this.timeoutMillis = timeout.toMillis();
  }

  /** Connects within {@code timeout}; the future fails with the connect error or a timeout. */
  public static CompletableFuture<AsyncConnection> open(AsynchronousChannelGroup group, InetSocketAddress address,
                                                        Duration timeout) {
    CompletableFuture<AsyncConnection> result = new CompletableFuture<>();
    AsynchronousSocketChannel ch;
    try {
      ch = AsynchronousSocketChannel.open(group);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException e) {
      result.completeExceptionally(e);
      return result;
    }
    AsyncConnection conn = new AsyncConnection(ch, timeout);
    ch.connect(address, null, new CompletionHandler<Void, Void>() {
      @Override public void completed(Void v, Void a) { result.complete(conn); }
      @Override public void failed(Throwable e, Void a) { conn.close(); result.completeExceptionally(e); }
    });
    // AsynchronousSocketChannel.connect has no timeout of its own.
    return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((c, e) -> { if (e != null) conn.close(); });
  }

  /** Writes all of {@code data}. */
  public CompletableFuture<Void> write(byte[] data) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    writeRest(ByteBuffer.wrap(data), result);
    return result;
  }

  public CompletableFuture<Void> writeLine(String line) {
    return write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  private void writeRest(ByteBuffer data, CompletableFuture<Void> result) {
    try {
      channel.write(data, timeoutMillis, TimeUnit.MILLISECONDS, null, new CompletionHandler<Integer, Void>() {
        @Override public void completed(Integer n, Void a) {
          if (data.hasRemaining()) {
            writeRest(data, result);
          } else {
            result.complete(null);
          }
        }
        @Override public void failed(Throwable e, Void a) { result.completeExceptionally(e); }
      });
    } catch (RuntimeException e) { // closed channel, pending write
      result.completeExceptionally(e);
    }
  }

  /** The next line without its CRLF (or bare LF), decoded as UTF-8. */
  public CompletableFuture<String> readLine() {
    CompletableFuture<String> result = new CompletableFuture<>();
    readLineInto(result);
    return result;
  }

  private void readLineInto(CompletableFuture<String> result) {
    // Loop over what is buffered first; only go to the socket when no full line is there.
    for (int i = start; i < end; i++) {
      if (buf[i] == '\n') {
        int lineEnd = i > start && buf[i - 1] == '\r' ? i - 1 : i;
        String line = new String(buf, start, lineEnd - start, StandardCharsets.UTF_8);
        start = i + 1;
        result.complete(line);
        return;
      }
    }
    fill(() -> readLineInto(result), result);
  }

  /** Exactly {@code n} bytes, for IMAP literals. */
  public CompletableFuture<byte[]> readExactly(int n) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    if (n < 0 || n > MAX_BUFFER) {
      result.completeExceptionally(new IOException("literal of " + n + " bytes exceeds " + MAX_BUFFER));
      return result;
    }
    readExactlyInto(n, result);
    return result;
  }

  private void readExactlyInto(int n, CompletableFuture<byte[]> result) {
    if (end - start >= n) {
      byte[] out = Arrays.copyOfRange(buf, start, start + n);
      start += n;
      result.complete(out);
      return;
    }
    if (!ensureRoom(n)) {
      result.completeExceptionally(new IOException("literal of " + n + " bytes does not fit"));
      return;
    }
    fill(() -> readExactlyInto(n, result), result);
  }

  /** Reads more bytes from the socket, then runs {@code next}; fails {@code result} on EOF, timeout or error. */
  private void fill(Runnable next, CompletableFuture<?> result) {
    if (!ensureRoom(end - start + 1)) {
      result.completeExceptionally(new IOException("line longer than " + MAX_BUFFER + " bytes"));
      return;
    }
    ByteBuffer target = ByteBuffer.wrap(buf, end, buf.length - end);
    try {
      channel.read(target, timeoutMillis, TimeUnit.MILLISECONDS, null, new CompletionHandler<Integer, Void>() {
        @Override public void completed(Integer n, Void a) {
          if (n < 0) {
            result.completeExceptionally(new EOFException("server closed the connection"));
            return;
          }
          end += n;
          next.run();
        }
        @Override public void failed(Throwable e, Void a) { result.completeExceptionally(e); }
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /**
   * Makes room so that {@code needed} unread bytes fit and at least one more byte can be read: compacts first,
   * then grows by doubling up to MAX_BUFFER. False when that limit would be passed.
   */
  private boolean ensureRoom(int needed) {
    int unread = end - start;
    if (end < buf.length && buf.length - start >= needed) {
      return true;
    }
    if (start > 0 && buf.length >= needed && buf.length > unread) {
      System.arraycopy(buf, start, buf, 0, unread);
      start = 0;
      end = unread;
      return true;
    }
    int size = buf.length;
    while (size < needed || size <= unread) {
      if (size >= MAX_BUFFER) {
        return false;
      }
      size = Math.min(MAX_BUFFER, size * 2);
    }
    byte[] bigger = new byte[size];
    System.arraycopy(buf, start, bigger, 0, unread);
    buf = bigger;
    start = 0;
    end = unread;
    return true;
  }

  public boolean isOpen() {
    return !closed && channel.isOpen();
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway; nothing useful to do
    }
  }
}
