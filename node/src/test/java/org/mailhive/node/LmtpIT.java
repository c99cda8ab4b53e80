package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** LMTP (RFC 2033) on its own port over real sockets: LHLO, one reply per recipient, BDAT, smuggling. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LmtpIT {
  static final Map<String, String> USERS = Map.of("alice@localhost", "alice-pw", "bob@localhost", "bob-pw");
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir, Map.of(), USERS);
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private SmtpClient greeted() throws Exception {
    SmtpClient c = SmtpClient.plain(node.port("lmtp"));
    c.greet("LHLO");
    return c;
  }

  private static String message(String marker) {
    return "Subject: " + marker + "\r\nFrom: <sender@example.org>\r\n\r\nbody of " + marker + "\r\n";
  }

  @Test
  void lhloAdvertisesTheExtensionsAndHeloAndEhloAreRefused() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.port("lmtp"))) {
      assertTrue(c.reply().matches("220 \\S+ LMTP.*"));
      assertEquals("503 5.5.1", c.cmd("MAIL FROM:<a@example.org>").substring(0, 9));
      assertEquals("500 5.5.1", c.cmd("HELO client.example").substring(0, 9));
      assertEquals("500 5.5.1", c.cmd("EHLO client.example").substring(0, 9));
      c.send("LHLO client.example\r\n");
      List<String> caps = c.replyLines().stream().map(l -> l.substring(4)).toList();
      assertTrue(caps.containsAll(List.of("PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "CHUNKING", "DSN",
          "SMTPUTF8")), caps.toString());
      assertFalse(caps.stream().anyMatch(s -> s.startsWith("AUTH")), caps.toString());
    }
  }

  @Test
  void answersOncePerAcceptedRecipientInRcptOrderAfterTheFinalDot() throws Exception {
    String marker = "lmtp-" + UUID.randomUUID();
    try (SmtpClient c = greeted()) {
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<sender@example.org>"));
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<bob@localhost>"));
      assertTrue(c.cmd("RCPT TO:<nobody@localhost>").startsWith("550 5.1.1"));
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<alice@localhost>"));
      assertTrue(c.cmd("DATA").startsWith("354 "));
      c.send(message(marker) + ".\r\n");
      assertEquals("250 2.1.5 Ok: stored: <bob@localhost>", c.reply());
      assertEquals("250 2.1.5 Ok: stored: <alice@localhost>", c.reply());
      // exactly two: the next reply is NOOP's
      assertEquals("250 2.0.0 Ok", c.cmd("NOOP"));
      assertEquals("221 2.0.0 Bye", c.cmd("QUIT"));
    }
    // each 250 went out only once that copy was durable: both can be read back at once
    String bob = StoredMail.withMarker(node, "bob@localhost", "bob-pw", marker);
    StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
    assertTrue(bob.startsWith("Return-Path: <sender@example.org>\r\nReceived: from client.example (127.0.0.1)"), bob);
    assertTrue(bob.contains(" with LMTP id "), bob);
  }

  @Test
  void aUserNamedTwiceIsStoredOnceAndAnsweredTwice() throws Exception {
    String marker = "twice-" + UUID.randomUUID();
    try (SmtpClient c = greeted()) {
      // PIPELINING: the whole envelope in one write, the replies in order
      c.send("MAIL FROM:<sender@example.org>\r\nRCPT TO:<alice@localhost>\r\nRCPT TO:<Alice@LOCALHOST>\r\nDATA\r\n");
      assertEquals("250 2.1.0 Ok", c.reply());
      assertEquals("250 2.1.5 Ok", c.reply());
      assertEquals("250 2.1.5 Ok", c.reply());
      assertTrue(c.reply().startsWith("354 "));
      c.send(message(marker) + ".\r\n");
      assertEquals("250 2.1.5 Ok: stored: <alice@localhost>", c.reply());
      assertEquals("250 2.1.5 Ok: stored: <Alice@LOCALHOST>", c.reply());
    }
    StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
  }

  @Test
  void bdatLastIsAnsweredOncePerRecipientToo() throws Exception {
    String marker = "lmtp-bdat-" + UUID.randomUUID();
    String body = message(marker);
    String first = body.substring(0, 10);
    String rest = body.substring(10);
    try (SmtpClient c = greeted()) {
      c.cmd("MAIL FROM:<sender@example.org> BODY=BINARYMIME");
      c.cmd("RCPT TO:<alice@localhost>");
      c.cmd("RCPT TO:<bob@localhost>");
      c.send("BDAT " + first.length() + "\r\n" + first);
      assertEquals("250 2.0.0 Ok: octets received: 10", c.reply());
      c.send("BDAT " + rest.length() + " LAST\r\n" + rest);
      assertEquals("250 2.1.5 Ok: stored: <alice@localhost>", c.reply());
      assertEquals("250 2.1.5 Ok: stored: <bob@localhost>", c.reply());
      assertEquals("250 2.0.0 Ok", c.cmd("NOOP"));
    }
    assertTrue(StoredMail.withMarker(node, "bob@localhost", "bob-pw", marker).endsWith(body));
  }

  @Test
  void rsetForgetsTheEnvelope() throws Exception {
    try (SmtpClient c = greeted()) {
      c.cmd("MAIL FROM:<sender@example.org>");
      c.cmd("RCPT TO:<alice@localhost>");
      assertEquals("250 2.0.0 Ok", c.cmd("RSET"));
      assertTrue(c.cmd("DATA").startsWith("503 5.5.1"));
      assertTrue(c.cmd("RCPT TO:<alice@localhost>").startsWith("503 5.5.1"));
      assertEquals("221 2.0.0 Bye", c.cmd("QUIT"));
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void remoteRecipientsAreNotRelayedOverLmtp() throws Exception {
    try (SmtpClient c = greeted()) {
      c.cmd("MAIL FROM:<sender@example.org>");
      assertTrue(c.cmd("RCPT TO:<someone@example.com>").startsWith("554 5.7.1"));
      assertTrue(c.cmd("RCPT TO:<alice%example.com@localhost>").startsWith("554 5.7.1"));
    }
  }

  // RFC 5321 §2.3.8 and the 2023 SMTP smuggling cases: only CRLF.CRLF ends the data, in LMTP as in SMTP.
  @ParameterizedTest
  @ValueSource(strings = {"\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r", "\r\n.\r"})
  void bareLineEndingsDoNotEndTheDataNorSmuggleASecondMessage(String fakeEnd) throws Exception {
    String marker = "smuggle-" + UUID.randomUUID();
    try (SmtpClient c = greeted()) {
      c.cmd("MAIL FROM:<sender@example.org>");
      c.cmd("RCPT TO:<bob@localhost>");
      assertTrue(c.cmd("DATA").startsWith("354 "));
      c.send("Subject: " + marker + "\r\n\r\nbody" + fakeEnd + "MAIL FROM:<evil@example.org>\r\n"
          + "RCPT TO:<alice@localhost>\r\nDATA\r\nSubject: smuggled " + marker + "\r\n\r\nevil\r\n.\r\n");
      String reply = c.reply();
      assertTrue(reply.startsWith("554 5.6.0") || reply.equals("250 2.1.5 Ok: stored: <bob@localhost>"), reply);
      // the smuggled MAIL/RCPT/DATA were never commands: the next reply is NOOP's
      assertEquals("250 2.0.0 Ok", c.cmd("NOOP"));
    }
    assertFalse(StoredMail.inbox(node, "alice@localhost", "alice-pw").stream().anyMatch(m -> m.contains(marker)),
        "a smuggled message reached alice");
  }
}
