package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.net.LiveConnections;

/**
 * A session the client ends (IMAP LOGOUT, SMTP QUIT, also after STARTTLS) is gone on the server as soon as the
 * goodbye is written, even while the client still holds its socket open: the server closes the connection, and
 * the connection no longer counts (towards the per-IP and per-user limits, and for a SIGTERM's drain). Before, a
 * connection whose last input had not been acknowledged stayed for the 10 s close grace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionEndIT {
  // Well under the 10 s close grace that a lingering connection waited out.
  private static final Duration GONE_WITHIN = Duration.ofSeconds(5);

  private TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir);
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  private int openConnections() {
    return LiveConnections.of(node.node.system()).count();
  }

  /** Polls the node's open connections until none is left or {@code within} has passed; returns the last count. */
  private int awaitNoConnections(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    int open = openConnections();
    while (open > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      open = openConnections();
    }
    return open;
  }

  @BeforeEach
  void noConnectionLeftFromBefore() throws InterruptedException {
    assertEquals(0, awaitNoConnections(Duration.ofSeconds(15)));
  }

  @Test
  void imapLogoutEndsTheConnectionWhileTheClientStillHoldsIt() throws Exception {
    try (LineClient imap = new LineClient(node.imapPort())) {
      assertTrue(imap.line().startsWith("* OK"));
      assertTrue(imap.imap("a", "LOGOUT").get(0).startsWith("* BYE"));
      assertNull(imap.line(), "the server closed the connection");
      assertEquals(0, awaitNoConnections(GONE_WITHIN), "connections still open after LOGOUT");
    }
  }

  @Test
  void imapLogoutAfterStartTlsEndsTheConnectionWhileTheClientStillHoldsIt() throws Exception {
    try (Socket plain = new Socket("127.0.0.1", node.imapPort())) {
      plain.setSoTimeout(20_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
      assertTrue(in.readLine().startsWith("* OK"));
      plain.getOutputStream().write("s STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(in.readLine().startsWith("s OK"));
      try (SSLSocket tls = (SSLSocket) node.trustingSocketFactory()
          .createSocket(plain, "127.0.0.1", node.imapPort(), true)) {
        tls.startHandshake();
        BufferedReader secure = new BufferedReader(new InputStreamReader(tls.getInputStream(),
            StandardCharsets.US_ASCII));
        tls.getOutputStream().write("a LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
        tls.getOutputStream().flush();
        assertTrue(secure.readLine().startsWith("* BYE"));
        assertTrue(secure.readLine().startsWith("a OK"));
        assertNull(secure.readLine(), "the server closed the TLS session and the connection");
        assertEquals(0, awaitNoConnections(GONE_WITHIN), "connections still open after LOGOUT over TLS");
      }
    }
  }

  @Test
  void imapLogoutAfterStartTlsEndsTheConnectionWhenTheClientAnswersWithItsCloseNotify() throws Exception {
    Socket plain = new Socket("127.0.0.1", node.imapPort());
    plain.setSoTimeout(20_000);
    BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
    assertTrue(in.readLine().startsWith("* OK"));
    plain.getOutputStream().write("s STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(in.readLine().startsWith("s OK"));
    SSLSocket tls = (SSLSocket) node.trustingSocketFactory().createSocket(plain, "127.0.0.1", node.imapPort(), true);
    tls.startHandshake();
    BufferedReader secure = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
    tls.getOutputStream().write("a LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
    tls.getOutputStream().flush();
    assertTrue(secure.readLine().startsWith("* BYE"));
    assertTrue(secure.readLine().startsWith("a OK"));
    // As curl does: answer the server's close_notify with our own and close, without reading to the end first.
    tls.close();
    assertEquals(0, awaitNoConnections(GONE_WITHIN), "connections still open after LOGOUT over TLS");
  }

  @Test
  void smtpQuitEndsTheConnectionWhileTheClientStillHoldsIt() throws Exception {
    try (LineClient smtp = new LineClient(node.smtpPort())) {
      assertTrue(smtp.smtpReply().startsWith("220"));
      assertTrue(smtp.smtp("EHLO client.example.org").startsWith("250"));
      assertTrue(smtp.smtp("QUIT").startsWith("221"));
      assertNull(smtp.line(), "the server closed the connection");
      assertEquals(0, awaitNoConnections(GONE_WITHIN), "connections still open after QUIT");
    }
  }
}
