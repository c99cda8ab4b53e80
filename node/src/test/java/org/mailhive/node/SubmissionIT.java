package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submission (RFC 6409) on 2587 with STARTTLS and 2465 with implicit TLS: no AUTH before TLS, AUTH PLAIN and LOGIN
 * (RFC 4954) against the directory, MAIL only after AUTH, the sender-login rule, Date and Message-ID completed.
 * Also the STARTTLS plaintext-injection cases (CVE-2011-0411) on submission and on the MX port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmissionIT {
  static final Map<String, String> USERS = Map.of("alice@localhost", "alice-pw", "bob@localhost", "bob-pw");
  TestNode node;
  SSLSocketFactory tls;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir, Map.of(), USERS);
    tls = node.trustingSocketFactory();
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private static List<String> keywords(List<String> ehlo) {
    return ehlo.stream().map(l -> l.substring(4)).toList();
  }

  /** A 587 session after STARTTLS and EHLO. */
  private SmtpClient overStarttls() throws Exception {
    SmtpClient c = SmtpClient.plain(node.port("submission"));
    c.greet("EHLO");
    c.starttls(tls);
    return c;
  }

  @Test
  void beforeTlsAuthIsNeitherOfferedNorAccepted() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.port("submission"))) {
      List<String> caps = keywords(c.greet("EHLO"));
      assertTrue(caps.contains("STARTTLS"), caps.toString());
      assertFalse(caps.stream().anyMatch(k -> k.startsWith("AUTH")), caps.toString());
      assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.authPlain("alice@localhost", "alice-pw"));
      assertEquals("530 5.7.0 Must issue a STARTTLS command first", c.cmd("AUTH LOGIN"));
      assertEquals("530 5.7.0 Authentication required", c.cmd("MAIL FROM:<alice@localhost>"));
    }
  }

  @Test
  void afterStarttlsAuthIsOfferedAndMailStillNeedsIt() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.port("submission"))) {
      c.greet("EHLO");
      List<String> caps = keywords(c.starttls(tls));
      assertTrue(caps.contains("AUTH PLAIN LOGIN SCRAM-SHA-256"), caps.toString());
      assertFalse(caps.contains("STARTTLS"), caps.toString());
      assertEquals("530 5.7.0 Authentication required", c.cmd("MAIL FROM:<alice@localhost>"));
    }
  }

  @Test
  void authPlainWithInitialResponseThenSendAsOneselfCompletesDateAndMessageId() throws Exception {
    String marker = "submitted-" + UUID.randomUUID();
    try (SmtpClient c = overStarttls()) {
      assertEquals("235 2.7.0 Authentication successful", c.authPlain("alice@localhost", "alice-pw"));
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<Alice@localhost>"));
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<bob@localhost>"));
      assertTrue(c.cmd("DATA").startsWith("354 "));
      assertEquals("250 2.0.0 Ok: stored", c.cmd("Subject: " + marker + "\r\n\r\nhello\r\n."));
    }
    String stored = StoredMail.withMarker(node, "bob@localhost", "bob-pw", marker);
    assertTrue(stored.contains(" with ESMTPSA id "), stored);
    assertTrue(stored.contains("\r\nDate: "), stored);
    assertTrue(stored.matches("(?s).*\r\nMessage-ID: <[0-9a-f-]{36}@localhost>\r\n.*"), stored);
  }

  @Test
  void aMessageThatHasDateAndMessageIdKeepsThem() throws Exception {
    String marker = "kept-" + UUID.randomUUID();
    try (SmtpClient c = overStarttls()) {
      c.authPlain("alice@localhost", "alice-pw");
      c.cmd("MAIL FROM:<alice@localhost>");
      c.cmd("RCPT TO:<bob@localhost>");
      c.cmd("DATA");
      assertEquals("250 2.0.0 Ok: stored", c.cmd("Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <" + marker
          + "@client>\r\nSubject: " + marker + "\r\n\r\nhello\r\n."));
    }
    String stored = StoredMail.withMarker(node, "bob@localhost", "bob-pw", marker);
    assertEquals(1, stored.split("Message-ID:", -1).length - 1, stored);
    assertTrue(stored.contains("Date: Mon, 1 Jan 2024 10:00:00 +0000"), stored);
  }

  @Test
  void authPlainWithoutInitialResponseGetsAnEmptyChallenge() throws Exception {
    try (SmtpClient c = overStarttls()) {
      assertEquals("334 ", c.cmd("AUTH PLAIN"));
      assertEquals("235 2.7.0 Authentication successful", c.cmd(SmtpClient.b64("\0bob@localhost\0bob-pw")));
      assertEquals("503 5.5.1 Already authenticated", c.authPlain("bob@localhost", "bob-pw"));
    }
  }

  @Test
  void authLoginAsksForUsernameAndPassword() throws Exception {
    try (SmtpClient c = overStarttls()) {
      assertEquals("334 VXNlcm5hbWU6", c.cmd("AUTH LOGIN"));
      assertEquals("334 UGFzc3dvcmQ6", c.cmd(SmtpClient.b64("alice@localhost")));
      assertEquals("235 2.7.0 Authentication successful", c.cmd(SmtpClient.b64("alice-pw")));
    }
    try (SmtpClient c = overStarttls()) {
      assertEquals("334 UGFzc3dvcmQ6", c.cmd("AUTH LOGIN " + SmtpClient.b64("alice@localhost")));
      assertEquals("235 2.7.0 Authentication successful", c.cmd(SmtpClient.b64("alice-pw")));
    }
  }

  @Test
  void wrongCredentialsAreRefusedWith535AndCancelWith501() throws Exception {
    try (SmtpClient c = overStarttls()) {
      assertEquals("535 5.7.8 Authentication credentials invalid", c.authPlain("alice@localhost", "wrong"));
      assertEquals("535 5.7.8 Authentication credentials invalid", c.authPlain("nobody@localhost", "alice-pw"));
      c.cmd("AUTH LOGIN");
      assertEquals("535 5.7.8 Authentication credentials invalid",
          c.cmd(SmtpClient.b64("alice@localhost")).startsWith("334") ? c.cmd(SmtpClient.b64("nope")) : "no prompt");
      assertEquals("334 ", c.cmd("AUTH PLAIN"));
      assertEquals("501 5.7.0 Authentication cancelled", c.cmd("*"));
      assertEquals("501 5.5.2 Cannot decode response", c.cmd("AUTH PLAIN !!!"));
      assertEquals("504 5.5.4 Unrecognized authentication mechanism", c.cmd("AUTH CRAM-MD5"));
      assertEquals("530 5.7.0 Authentication required", c.cmd("MAIL FROM:<alice@localhost>"));
    }
  }

  @Test
  void anAuthenticatedUserMaySendOnlyAsItself() throws Exception {
    try (SmtpClient c = overStarttls()) {
      c.authPlain("alice@localhost", "alice-pw");
      assertEquals("553 5.7.1 Sender address rejected: not owned by user", c.cmd("MAIL FROM:<bob@localhost>"));
      assertEquals("553 5.7.1 Sender address rejected: not owned by user", c.cmd("MAIL FROM:<>"));
      assertEquals("553 5.7.1 Sender address rejected: not owned by user", c.cmd("MAIL FROM:<alice@example.org>"));
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<alice@localhost>"));
    }
  }

  @Test
  void remoteRecipientsAreAcceptedForTheOutboundQueueButUnknownLocalOnesAreNot() throws Exception {
    try (SmtpClient c = overStarttls()) {
      c.authPlain("alice@localhost", "alice-pw");
      c.cmd("MAIL FROM:<alice@localhost>");
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<friend@example.com>"));
      assertEquals("550 5.1.1 Recipient address rejected: User unknown", c.cmd("RCPT TO:<nobody@localhost>"));
    }
  }

  @Test
  void implicitTlsOn465OffersAuthAndDelivers() throws Exception {
    String marker = "port465-" + UUID.randomUUID();
    try (SmtpClient c = SmtpClient.implicitTls(node.port("submissions"), tls)) {
      List<String> caps = keywords(c.greet("EHLO"));
      assertTrue(caps.contains("AUTH PLAIN LOGIN SCRAM-SHA-256"), caps.toString());
      assertFalse(caps.contains("STARTTLS"), caps.toString());
      assertEquals("503 5.5.1 TLS already active", c.cmd("STARTTLS"));
      assertEquals("530 5.7.0 Authentication required", c.cmd("MAIL FROM:<bob@localhost>"));
      assertEquals("235 2.7.0 Authentication successful", c.authPlain("bob@localhost", "bob-pw"));
      c.cmd("MAIL FROM:<bob@localhost>");
      c.cmd("RCPT TO:<alice@localhost>");
      c.cmd("DATA");
      assertEquals("250 2.0.0 Ok: stored", c.cmd("Subject: " + marker + "\r\n\r\nover 465\r\n."));
    }
    StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
  }

  @Test
  void theMxPortNeitherOffersNorAcceptsAuth() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      c.greet("EHLO");
      List<String> caps = keywords(c.starttls(tls));
      assertFalse(caps.stream().anyMatch(k -> k.startsWith("AUTH")), caps.toString());
      assertEquals("503 5.5.1 AUTH not available on this port", c.authPlain("alice@localhost", "alice-pw"));
    }
  }

  // ---- CVE-2011-0411: commands pipelined after STARTTLS in plaintext are discarded, not run after the handshake ----

  @Test
  void plaintextRsetInjectedAfterStarttlsIsNotAnsweredOnSubmission() throws Exception {
    assertInjectedRsetIgnored(node.port("submission"));
  }

  @Test
  void plaintextRsetInjectedAfterStarttlsIsNotAnsweredOnMx() throws Exception {
    assertInjectedRsetIgnored(node.smtpPort());
  }

  private void assertInjectedRsetIgnored(int port) throws Exception {
    try (SmtpClient c = SmtpClient.plain(port)) {
      c.greet("EHLO");
      c.send("STARTTLS\r\nRSET\r\n");
      assertEquals("220 2.0.0 Ready to start TLS", c.reply());
      c.upgrade(tls);
      c.send("EHLO client.example\r\n");
      // were the RSET run after the handshake, its "250 2.0.0 Ok" would come first
      List<String> first = c.replyLines();
      assertTrue(first.get(0).startsWith("250-localhost"), first.toString());
      assertEquals("250 2.0.0 Ok", c.cmd("NOOP"));
    }
  }

  @Test
  void plaintextAuthInjectedAfterStarttlsDoesNotAuthenticate() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.port("submission"))) {
      c.greet("EHLO");
      c.send("STARTTLS\r\nAUTH PLAIN " + SmtpClient.b64("\0alice@localhost\0alice-pw") + "\r\n");
      assertEquals("220 2.0.0 Ready to start TLS", c.reply());
      c.upgrade(tls);
      c.send("EHLO client.example\r\n");
      assertTrue(c.replyLines().get(0).startsWith("250-localhost"));
      assertEquals("530 5.7.0 Authentication required", c.cmd("MAIL FROM:<alice@localhost>"));
    }
  }

  @Test
  void plaintextEnvelopeInjectedAfterStarttlsOnMxIsNotRun() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      c.greet("EHLO");
      c.send("STARTTLS\r\nEHLO evil\r\nMAIL FROM:<evil@example.org>\r\n");
      assertEquals("220 2.0.0 Ready to start TLS", c.reply());
      c.upgrade(tls);
      // no EHLO was run over TLS yet: MAIL is out of sequence, not a nested transaction
      assertEquals("503 5.5.1 Send EHLO/HELO first", c.cmd("MAIL FROM:<sender@example.org>"));
    }
  }
}
