package org.mailhive.node;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A raw SMTP/LMTP client for transcript tests: plaintext, implicit TLS, or upgraded with STARTTLS; sends bytes
 * exactly as given and reads whole replies. Every read is bounded by the socket timeout.
 */
final class SmtpClient implements AutoCloseable {
  private static final int TIMEOUT_MS = 20_000;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private SmtpClient(Socket socket) throws IOException {
    use(socket);
  }

  static SmtpClient plain(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return new SmtpClient(s);
  }

  /** A plaintext connection from a given loopback source address (127.0.0.0/8 all reach 127.0.0.1 on Linux). */
  static SmtpClient plainFrom(String source, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(source, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return new SmtpClient(s);
  }

  static SmtpClient implicitTls(int port, SSLSocketFactory tls) throws IOException {
    return implicitTls("127.0.0.1", port, tls);
  }

  static SmtpClient implicitTls(String host, int port, SSLSocketFactory tls) throws IOException {
    SSLSocket s = (SSLSocket) tls.createSocket();
    s.connect(new InetSocketAddress(host, port), 5_000);
    s.setSoTimeout(TIMEOUT_MS);
    s.startHandshake();
    return new SmtpClient(s);
  }

  private void use(Socket s) throws IOException {
    socket = s;
    socket.setSoTimeout(TIMEOUT_MS);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Switches this connection to TLS (after the server's 220 to STARTTLS). */
  void upgrade(SSLSocketFactory tls) throws IOException {
    SSLSocket s = (SSLSocket) tls.createSocket(socket, "127.0.0.1", socket.getPort(), true);
    s.setSoTimeout(TIMEOUT_MS);
    s.startHandshake();
    use(s);
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

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

  /** Every line of one reply (multi-line replies have "-" after the code). */
  List<String> replyLines() throws IOException {
    List<String> lines = new ArrayList<>();
    String l;
    do {
      l = line();
      if (l == null) {
        throw new IOException("connection closed; got " + lines);
      }
      lines.add(l);
    } while (l.length() > 3 && l.charAt(3) == '-');
    return lines;
  }

  /** The last line of one reply. */
  String reply() throws IOException {
    List<String> lines = replyLines();
    return lines.get(lines.size() - 1);
  }

  String cmd(String command) throws IOException {
    send(command + "\r\n");
    return reply();
  }

  /** Reads the greeting, says EHLO (or LHLO) and returns the extension lines. */
  List<String> greet(String hello) throws IOException {
    String greeting = reply();
    if (!greeting.startsWith("220 ")) {
      throw new IOException("greeting: " + greeting);
    }
    send(hello + " client.example\r\n");
    return replyLines();
  }

  /** STARTTLS, the handshake, and EHLO again. */
  List<String> starttls(SSLSocketFactory tls) throws IOException {
    String r = cmd("STARTTLS");
    if (!r.startsWith("220 ")) {
      throw new IOException("STARTTLS: " + r);
    }
    upgrade(tls);
    send("EHLO client.example\r\n");
    return replyLines();
  }

  /** AUTH PLAIN with an initial response; returns the reply. */
  String authPlain(String login, String password) throws IOException {
    return cmd("AUTH PLAIN " + b64("\u0000" + login + "\u0000" + password));
  }

  /** True once the server has closed the connection (reads end of stream within the timeout). */
  boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
