package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling restart, the edge side (#6): on SIGTERM a node stops accepting connections, lets every command in flight
 * finish and answers it, then ends each session with its protocol's goodbye (IMAP {@code * BYE [UNAVAILABLE]},
 * SMTP {@code 421 4.3.2}, POP3 {@code -ERR [SYS/TEMP]}) and exits 0. What it acknowledged is there after a restart.
 */
class GracefulShutdownIT {
  private static final Duration DRAIN = Duration.ofSeconds(20);

  private static String password(Path data) throws Exception {
    return Files.readString(data.resolve("demo-password"), StandardCharsets.UTF_8).trim();
  }

  private static LineClient imapLogin(int port, Path data) throws Exception {
    LineClient imap = new LineClient(port);
    assertTrue(imap.line().startsWith("* OK"));
    assertTrue(LineClient.last(imap.imap("l1", "LOGIN demo@localhost \"" + password(data) + "\"")).startsWith("l1 OK"));
    return imap;
  }

  @Test
  void sigtermAnswersCommandsInFlightThenSaysGoodbyeAndExitsZero(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    String appended = "Subject: appended during shutdown\r\n\r\nthe literal arrived in two halves\r\n";
    byte[] literal = appended.getBytes(StandardCharsets.US_ASCII);
    int half = literal.length / 2;
    try (NodeProcess node = NodeProcess.start(data, Path.of("target", "GracefulShutdownIT-node.log"),
        List.of("-Dmailhive.node.drain-timeout=" + DRAIN.toSeconds() + "s"))) {
      int smtpPort = node.port("smtp");
      try (LineClient smtp = new LineClient(smtpPort);
           LineClient idle = imapLogin(node.port("imap"), data);
           LineClient appending = imapLogin(node.port("imap"), data);
           LineClient pop = new LineClient(node.port("pop3"))) {
        // SMTP: in the middle of DATA.
        assertTrue(smtp.smtpReply().startsWith("220"));
        assertTrue(smtp.smtp("EHLO test.example").startsWith("250"));
        assertTrue(smtp.smtp("MAIL FROM:<sender@example.org>").startsWith("250"));
        assertTrue(smtp.smtp("RCPT TO:<demo@localhost>").startsWith("250"));
        assertTrue(smtp.smtp("DATA").startsWith("354"));
        smtp.send("Subject: sent during shutdown\r\nFrom: sender@example.org\r\n\r\nfirst half,\r\n");
        // IMAP: one session selected and idle between commands, one in the middle of an APPEND literal.
        assertTrue(LineClient.last(idle.imap("s1", "SELECT INBOX")).startsWith("s1 OK"));
        appending.send("a1 APPEND INBOX {" + literal.length + "}\r\n");
        assertTrue(appending.line().startsWith("+"));
        appending.send(appended.substring(0, half));
        // POP3: logged in, between commands.
        assertTrue(pop.line().startsWith("+OK"));
        assertTrue(pop.smtp("USER demo@localhost").startsWith("+OK"));
        assertTrue(pop.smtp("PASS " + password(data)).startsWith("+OK"));

        node.sigterm();
        assertTrue(node.awaitLog("node_draining", Duration.ofSeconds(30)), "drain did not start");

        // No new connections once draining.
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", smtpPort).close());
        // Sessions between commands end at once.
        String bye = idle.line();
        assertTrue(bye.startsWith("* BYE [UNAVAILABLE]"), bye);
        assertNull(idle.line());
        String popBye = pop.line();
        assertTrue(popBye.startsWith("-ERR [SYS/TEMP]"), popBye);
        assertNull(pop.line());
        // The DATA transfer still in flight completes and is acknowledged, then the 421.
        String accepted = smtp.smtp("second half.\r\n.");
        assertTrue(accepted.startsWith("250 2.0.0"), accepted);
        String closing = smtp.smtpReply();
        assertTrue(closing.startsWith("421 4.3.2"), closing);
        assertNull(smtp.line());
        // So does the APPEND whose literal was half sent.
        appending.send(appended.substring(half) + "\r\n");
        String ok = appending.line();
        assertTrue(ok.startsWith("a1 OK"), ok);
        String appendBye = appending.line();
        assertTrue(appendBye.startsWith("* BYE [UNAVAILABLE]"), appendBye);
        assertNull(appending.line());
      }
      assertTrue(node.process.waitFor(DRAIN.toSeconds() + 30, TimeUnit.SECONDS), "node did not exit");
      assertEquals(0, node.process.exitValue());
      assertTrue(node.awaitLog("node_drained open=0", Duration.ofSeconds(1)), "sessions left open");
    }

    // Both acknowledged messages survived the restart.
    try (NodeProcess again = NodeProcess.start(data, Path.of("target", "GracefulShutdownIT-again.log"));
         LineClient imap = imapLogin(again.port("imap"), data)) {
      assertTrue(LineClient.last(imap.imap("s1", "SELECT INBOX")).startsWith("s1 OK"));
      List<String> fetch = imap.imap("f1", "FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
      String all = String.join("\n", fetch);
      assertTrue(all.contains("Subject: sent during shutdown"), all);
      assertTrue(all.contains("Subject: appended during shutdown"), all);
    }
  }
}
