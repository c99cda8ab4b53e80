package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Postfix (Debian's package, installed by scripts/install-test-deps) in front of a node on loopback, the
 * classic setup Mailhive replaces: mail for alice goes over LMTP, mail for bob over SMTP (with STARTTLS), and
 * both arrive intact, with the DSN parameters Postfix passes on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostfixIT {
  static final Map<String, String> USERS = Map.of("alice@localhost", "alice-pw", "bob@localhost", "bob-pw");
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
  /** Dot-leading lines, a long line, 8-bit text and trailing spaces: what a relay must not change. */
  static final String BODY = "First line\r\n.leading dot\r\n..two dots\r\n" + "x".repeat(990) + "\r\n"
      + "Gr\u00fc\u00dfe, \u00e9t\u00e9 \u2603\r\ntrailing spaces   \r\nlast line\r\n";
  TestNode node;
  PostfixInstance postfix;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    assumeTrue(PostfixInstance.available(), "needs Debian's postfix and root (scripts/install-test-deps)");
    node = TestNode.start(dir.resolve("node"), Map.of(), USERS);
    postfix = PostfixInstance.start(dir.resolve("postfix"), List.of(
        "alice@localhost=lmtp:inet:127.0.0.1:" + node.port("lmtp"),
        "bob@localhost=smtp:[127.0.0.1]:" + node.smtpPort()));
  }

  @AfterAll
  void stop() throws Exception {
    if (postfix != null) {
      postfix.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private void submitToPostfix(String rcpt, String marker) throws Exception {
    try (SmtpClient c = SmtpClient.plain(postfix.smtpdPort)) {
      c.greet("EHLO");
      assertTrue(c.cmd("MAIL FROM:<sender@example.org> BODY=8BITMIME RET=HDRS ENVID=" + marker).startsWith("250 "));
      String r = c.cmd("RCPT TO:<" + rcpt + "> NOTIFY=SUCCESS,FAILURE");
      assertTrue(r.startsWith("250 "), r);
      assertTrue(c.cmd("DATA").startsWith("354 "));
      c.send(("From: sender@example.org\r\nTo: " + rcpt + "\r\nSubject: " + marker
          + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
          + BODY.replace("\r\n.", "\r\n..") + ".\r\n").getBytes(StandardCharsets.UTF_8));
      assertTrue(c.reply().startsWith("250 "));
      c.cmd("QUIT");
    }
  }

  /** Postfix's delivery line for the recipient: sent, or the first deferral or bounce (which fails the test). */
  private String awaitSent(String rcpt) throws Exception {
    String line = postfix.awaitLogLine(l -> l.contains("to=<" + rcpt + ">") && l.contains("status="),
        DELIVERY_TIMEOUT);
    assertTrue(line.contains("status=sent"), "Postfix could not deliver: " + line);
    return line;
  }

  @Test
  void postfixRelaysIntoOurLmtpAndTheMessageArrivesIntact() throws Exception {
    String marker = "pflmtp" + UUID.randomUUID().toString().replace("-", "");
    submitToPostfix("alice@localhost", marker);
    String line = awaitSent("alice@localhost");
    assertTrue(line.contains("relay=127.0.0.1[127.0.0.1]:" + node.port("lmtp")), line);
    assertTrue(line.contains("250 2.1.5 Ok: stored"), line);
    String stored = StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
    assertTrue(stored.endsWith("\r\n\r\n" + BODY), stored);
    assertTrue(stored.contains(" with LMTP id "), stored);
    assertTrue(stored.contains("by postfix.test (Postfix)"), stored);
    assertTrue(stored.contains("envid=" + marker), stored);
    assertTrue(stored.contains("notify=SUCCESS,FAILURE"), stored);
  }

  @Test
  void postfixRelaysIntoOurSmtpWithStarttlsAndTheMessageArrivesIntact() throws Exception {
    String marker = "pfsmtp" + UUID.randomUUID().toString().replace("-", "");
    submitToPostfix("bob@localhost", marker);
    String line = awaitSent("bob@localhost");
    assertTrue(line.contains("relay=127.0.0.1[127.0.0.1]:" + node.smtpPort()), line);
    assertTrue(line.contains("250 2.0.0 Ok: stored"), line);
    String stored = StoredMail.withMarker(node, "bob@localhost", "bob-pw", marker);
    assertTrue(stored.endsWith("\r\n\r\n" + BODY), stored);
    assertTrue(stored.contains(" with ESMTPS id "), stored);
    assertEquals(1, stored.split("Return-Path:", -1).length - 1, stored);
  }
}
