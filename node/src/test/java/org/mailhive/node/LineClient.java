package org.mailhive.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A bare socket client for transcript-style tests: send raw bytes, read CRLF lines, every read bounded. */
final class LineClient implements AutoCloseable {
  private static final int READ_TIMEOUT_MS = 20_000;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  LineClient(int port) throws IOException {
    this("127.0.0.1", port);
  }

  LineClient(String host, int port) throws IOException {
    this(new Socket(host, port));
  }

  private LineClient(Socket connected) throws IOException {
    socket = connected;
    socket.setSoTimeout(READ_TIMEOUT_MS);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** A connection to 127.0.0.1 from a given loopback source address (all of 127.0.0.0/8 is local on Linux). */
  static LineClient from(String source, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new java.net.InetSocketAddress(source, 0));
    s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
    return new LineClient(s);
  }

  /** Another read timeout than the default 20 s, e.g. for a server that is paused on purpose. */
  LineClient readTimeout(java.time.Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    return this;
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Exactly {@code n} bytes, as the server sent them (a literal's data); throws on timeout or end of stream. */
  byte[] bytes(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new IOException("connection closed after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  /** One line without its CRLF; throws on timeout, returns null at end of stream. */
  String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
  }

  /** An SMTP reply: its lines until one with a space after the code; returns the last line. */
  String smtpReply() throws IOException {
    String l;
    do {
      l = line();
    } while (l != null && l.length() > 3 && l.charAt(3) == '-');
    return l;
  }

  String smtp(String command) throws IOException {
    send(command + "\r\n");
    return smtpReply();
  }

  /** Sends an IMAP command and returns every line up to and including the tagged one. */
  List<String> imap(String tag, String command) throws IOException {
    send(tag + " " + command + "\r\n");
    List<String> lines = new ArrayList<>();
    String l;
    do {
      l = line();
      if (l == null) {
        throw new IOException("connection closed before tagged reply to " + tag);
      }
      lines.add(l);
    } while (!l.startsWith(tag + " "));
    return lines;
  }

  /** APPENDs {@code message} to {@code mailbox} as a non-synchronizing literal; the lines up to the tagged reply. */
  List<String> append(String mailbox, String message) throws IOException {
    return imap("ap", "APPEND " + mailbox + " {" + message.length() + "+}\r\n" + message);
  }

  static String last(List<String> lines) {
    return lines.get(lines.size() - 1);
  }

  /**
   * The tagged line of a CREATE with its RFC 8474 {@code [MAILBOXID (id)]} code taken out, so tests can compare the
   * rest; a line without a well-formed code is returned whole and so fails the comparison.
   */
  static String created(List<String> lines) {
    return last(lines).replaceFirst("^([^ ]+ OK) \\[MAILBOXID \\([A-Za-z0-9_-]{1,255}\\)\\]( CREATE completed)$", "$1$2");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
