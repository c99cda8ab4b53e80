package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ESMTP extensions on the MX port over real sockets: CHUNKING/BDAT (RFC 3030), BINARYMIME, SMTPUTF8
 * (RFC 6531), DSN parameters (RFC 3461) kept in the stored message, PIPELINING, and the per-IP connection and
 * per-session command limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EsmtpIT {
  static final Map<String, String> USERS = Map.of("alice@localhost", "alice-pw", "j\u00f6ran@localhost", "joran-pw");
  TestNode node;
  TestNode limited;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir.resolve("main"), Map.of(), USERS);
    limited = TestNode.start(dir.resolve("limited"), Map.of(
        "mailhive.smtp.limits.max-connections-per-ip", 2, "mailhive.smtp.limits.max-commands", 10,
        "mailhive.smtp.limits.max-message-size", "1k"));
  }

  @AfterAll
  void stop() throws Exception {
    if (limited != null) {
      limited.close();
    }
    node.close();
  }

  private SmtpClient greeted() throws Exception {
    SmtpClient c = SmtpClient.plain(node.smtpPort());
    c.greet("EHLO");
    return c;
  }

  @Test
  void ehloAdvertisesTheExtensions() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      List<String> caps = c.greet("EHLO").stream().map(l -> l.substring(4)).toList();
      assertTrue(caps.containsAll(List.of("PIPELINING", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8", "DSN",
          "ENHANCEDSTATUSCODES", "STARTTLS")), caps.toString());
      assertTrue(caps.stream().anyMatch(k -> k.matches("SIZE \\d+")), caps.toString());
    }
  }

  @Test
  void bdatChunksMakeOneMessageStoredByteForByte() throws Exception {
    String marker = "bdat-" + UUID.randomUUID();
    // binary content: a bare LF, a lone dot line and a NUL travel untouched in BDAT (no dot-stuffing)
    String body = "Subject: " + marker + "\r\n\r\nline\n.\r\n.\r\nend\r\n";
    try (SmtpClient c = greeted()) {
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<sender@example.org> BODY=BINARYMIME SIZE=" + body.length()));
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<alice@localhost>"));
      c.send("BDAT 20\r\n" + body.substring(0, 20));
      assertEquals("250 2.0.0 Ok: octets received: 20", c.reply());
      // RFC 3030 §4.2: a chunk may be announced and sent in one write with the next command
      c.send("BDAT " + (body.length() - 20) + "\r\n" + body.substring(20) + "BDAT 0 LAST\r\n");
      assertEquals("250 2.0.0 Ok: octets received: " + body.length(), c.reply());
      assertEquals("250 2.0.0 Ok: stored", c.reply());
      assertEquals("250 2.0.0 Ok", c.cmd("NOOP"));
    }
    assertTrue(StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker).endsWith(body));
  }

  @Test
  void aBdatWithoutTransactionIsReadWhollyAndRefused() throws Exception {
    try (SmtpClient c = greeted()) {
      // the 12 octets look like a command; they must be consumed as chunk data, not executed
      c.send("BDAT 12 LAST\r\nQUIT\r\nNOOP\r\n");
      assertEquals("503 5.5.1 Need MAIL command first", c.reply());
      assertEquals("250 2.0.0 Ok", c.cmd("NOOP"));
      c.cmd("MAIL FROM:<sender@example.org>");
      c.send("BDAT 6 LAST\r\nQUIT\r\n");
      assertEquals("503 5.5.1 Need RCPT command first", c.reply());
      assertEquals("250 2.0.0 Ok", c.cmd("NOOP"));
    }
  }

  @Test
  void dataMayNotFollowBdatNorCarryBinarymime() throws Exception {
    try (SmtpClient c = greeted()) {
      c.cmd("MAIL FROM:<sender@example.org>");
      c.cmd("RCPT TO:<alice@localhost>");
      c.send("BDAT 3\r\nabc");
      assertTrue(c.reply().startsWith("250 "));
      assertEquals("503 5.5.1 DATA not allowed after BDAT", c.cmd("DATA"));
      assertEquals("250 2.0.0 Ok", c.cmd("RSET"));
      c.cmd("MAIL FROM:<sender@example.org> BODY=BINARYMIME");
      c.cmd("RCPT TO:<alice@localhost>");
      assertEquals("503 5.5.1 BINARYMIME requires BDAT", c.cmd("DATA"));
    }
  }

  @Test
  void aBdatOverTheSizeLimitIsReadAndRefusedWith552() throws Exception {
    try (SmtpClient c = SmtpClient.plain(limited.smtpPort())) {
      c.greet("EHLO");
      assertEquals("552 5.3.4 Message size exceeds fixed limit", c.cmd("MAIL FROM:<a@example.org> SIZE=1025"));
      c.cmd("MAIL FROM:<a@example.org>");
      c.cmd("RCPT TO:<demo@localhost>");
      c.send("BDAT 1000\r\n" + "x".repeat(1000));
      assertEquals("250 2.0.0 Ok: octets received: 1000", c.reply());
      c.send("BDAT 25 LAST\r\n" + "y".repeat(25));
      assertEquals("552 5.3.4 Message size exceeds fixed limit", c.reply());
      // the transaction is gone, the session is not
      assertEquals("503 5.5.1 Need MAIL command first", c.cmd("RCPT TO:<demo@localhost>"));
    }
  }

  @Test
  void smtputf8AddressesNeedTheParameterAndAreStored() throws Exception {
    String marker = "utf8-" + UUID.randomUUID();
    try (SmtpClient c = greeted()) {
      assertEquals("553 5.6.7 Non-ASCII address requires SMTPUTF8", c.cmd("MAIL FROM:<s\u00e9nder@example.org>"));
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<sender@example.org>"));
      assertEquals("553 5.6.7 Non-ASCII address requires SMTPUTF8", c.cmd("RCPT TO:<j\u00f6ran@localhost>"));
      c.cmd("RSET");
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<s\u00e9nder@example.org> SMTPUTF8 BODY=8BITMIME"));
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<J\u00d6RAN@localhost>"));
      c.cmd("DATA");
      assertEquals("250 2.0.0 Ok: stored",
          c.cmd("From: s\u00e9nder@example.org\r\nSubject: " + marker + "\r\n\r\n\u00e9t\u00e9\r\n."));
    }
    String stored = StoredMail.withMarker(node, "j\u00f6ran@localhost", "joran-pw", marker);
    assertTrue(stored.startsWith("Return-Path: <s\u00e9nder@example.org>"), stored);
    assertTrue(stored.contains(" with UTF8SMTP id "), stored);
  }

  @Test
  void dsnParametersAreValidatedAndKeptWithTheMessage() throws Exception {
    String marker = "dsn-" + UUID.randomUUID();
    try (SmtpClient c = greeted()) {
      assertEquals("501 5.5.4 Syntax error in parameters", c.cmd("MAIL FROM:<sender@example.org> RET=ALL"));
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<sender@example.org> RET=HDRS ENVID=QQ314159"));
      assertEquals("501 5.5.4 Syntax error in parameters", c.cmd("RCPT TO:<alice@localhost> NOTIFY=SOMETIMES"));
      assertEquals("250 2.1.5 Ok",
          c.cmd("RCPT TO:<alice@localhost> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Alice+2Bdsn@localhost"));
      c.cmd("DATA");
      assertEquals("250 2.0.0 Ok: stored", c.cmd("Subject: " + marker + "\r\n\r\nbody\r\n."));
    }
    String stored = StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
    assertTrue(stored.contains("X-Mailhive-DSN: envid=QQ314159;\r\n\tret=HDRS;\r\n\trcpt=<alice@localhost> "
        + "notify=SUCCESS,FAILURE orcpt=rfc822;Alice+2Bdsn@localhost\r\n"), stored);
  }

  @Test
  void pipelinedTransactionsAreAnsweredInOrder() throws Exception {
    String marker = "pipelined-" + UUID.randomUUID();
    try (SmtpClient c = greeted()) {
      c.send("MAIL FROM:<sender@example.org>\r\nRCPT TO:<nobody@localhost>\r\nRCPT TO:<alice@localhost>\r\n"
          + "DATA\r\n");
      assertEquals("250 2.1.0 Ok", c.reply());
      assertTrue(c.reply().startsWith("550 5.1.1"));
      assertEquals("250 2.1.5 Ok", c.reply());
      assertTrue(c.reply().startsWith("354 "));
      c.send("Subject: " + marker + "\r\n\r\nbody\r\n.\r\nRSET\r\nNOOP\r\nQUIT\r\n");
      assertEquals("250 2.0.0 Ok: stored", c.reply());
      assertEquals("250 2.0.0 Ok", c.reply());
      assertEquals("250 2.0.0 Ok", c.reply());
      assertEquals("221 2.0.0 Bye", c.reply());
    }
    StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
  }

  @Test
  void aThirdConnectionFromOneAddressIsRefusedWith421AndTheSlotIsFreedOnClose() throws Exception {
    List<SmtpClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        SmtpClient c = SmtpClient.plain(limited.smtpPort());
        assertTrue(c.reply().startsWith("220 "));
        open.add(c);
      }
      try (SmtpClient third = SmtpClient.plain(limited.smtpPort())) {
        assertEquals("421 4.7.0 Too many connections from your address, try again later", third.reply());
        assertTrue(third.closedByServer());
      }
      // other listeners count separately
      try (SmtpClient lmtp = SmtpClient.plain(limited.port("lmtp"))) {
        assertTrue(lmtp.reply().startsWith("220 "));
      }
      assertEquals("221 2.0.0 Bye", open.get(0).cmd("QUIT"));
      assertTrue(open.get(0).closedByServer());
      open.remove(0).close();
      // the freed slot is given back once the server has seen the close; poll with a bound
      String greeting = null;
      for (int attempt = 0; attempt < 100 && (greeting == null || !greeting.startsWith("220 ")); attempt++) {
        try (SmtpClient again = SmtpClient.plain(limited.smtpPort())) {
          greeting = again.reply();
        }
      }
      assertTrue(greeting.startsWith("220 "), greeting);
    } finally {
      for (SmtpClient c : open) {
        c.close();
      }
    }
  }

  @Test
  void theCommandLimitClosesTheSessionWith421() throws Exception {
    try (SmtpClient c = SmtpClient.plain(limited.smtpPort())) {
      c.reply();
      for (int i = 0; i < 10; i++) {
        assertTrue(c.cmd("NOOP").startsWith("250 "));
      }
      assertEquals("421 4.7.0 Too many commands, closing connection", c.cmd("NOOP"));
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void nonAsciiInADataLineIsStoredAsUtf8() throws Exception {
    String marker = "8bit-" + UUID.randomUUID();
    try (SmtpClient c = greeted()) {
      c.cmd("MAIL FROM:<sender@example.org> BODY=8BITMIME");
      c.cmd("RCPT TO:<alice@localhost>");
      c.cmd("DATA");
      c.send(("Subject: " + marker + "\r\n\r\nSch\u00f6ne Gr\u00fc\u00dfe\r\n.\r\n").getBytes(StandardCharsets.UTF_8));
      assertEquals("250 2.0.0 Ok: stored", c.reply());
    }
    assertTrue(StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker).contains("Sch\u00f6ne Gr\u00fc\u00dfe"));
    assertFalse(StoredMail.inbox(node, "alice@localhost", "alice-pw").isEmpty());
  }
}
