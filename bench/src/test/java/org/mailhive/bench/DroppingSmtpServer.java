package org.mailhive.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dishonest SMTP server for testing the harness: it answers 250 to every message and stores nothing, so a bench
 * that believes replies would report no loss. Counts the dots it acknowledged.
 */
final class DroppingSmtpServer implements AutoCloseable {
  private final ServerSocket server;
  final AtomicInteger acknowledged = new AtomicInteger();

  DroppingSmtpServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "dropping-smtp");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "dropping-smtp-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
         OutputStream out = s.getOutputStream()) {
      reply(out, "220 dropper ESMTP");
      boolean data = false;
      String line;
      while ((line = in.readLine()) != null) {
        if (data) {
          if (line.equals(".")) {
            data = false;
            acknowledged.incrementAndGet();
            reply(out, "250 2.0.0 queued (not really)");
          }
        } else if (line.toUpperCase().startsWith("DATA")) {
          data = true;
          reply(out, "354 go ahead");
        } else if (line.toUpperCase().startsWith("QUIT")) {
          reply(out, "221 2.0.0 bye");
          return;
        } else {
          reply(out, "250 2.0.0 ok");
        }
      }
    } catch (IOException e) {
      // client went away
    }
  }

  private static void reply(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
