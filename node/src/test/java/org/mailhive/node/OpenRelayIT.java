package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The open-relay test matrix: the classic tricks relay testers (and spammers) try, each over a real socket, each
 * refused with its code. 554 5.7.1 where a remote destination is asked for (plainly or hidden in a local address),
 * 501 5.1.3 where the path is not an RFC 5321 path at all (source routes, stray "@"), 530/553 on submission.
 * Nothing here is relayed: by default no network is trusted, not even loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenRelayIT {
  static final Map<String, String> USERS = Map.of("alice@localhost", "alice-pw", "bob@localhost", "bob-pw");
  TestNode node;
  TestNode trusting;
  SSLSocketFactory tls;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir.resolve("default"), Map.of(), USERS);
    // Postfix syntax: the first match decides, so 127.0.0.1 is excluded although 127/8 is trusted.
    trusting = TestNode.start(dir.resolve("trusting"),
        Map.of("mailhive.smtp.mynetworks", List.of("!127.0.0.1", "127.0.0.0/8")));
    tls = node.trustingSocketFactory();
  }

  @AfterAll
  void stop() throws Exception {
    if (trusting != null) {
      trusting.close();
    }
    node.close();
  }

  @ParameterizedTest(name = "[{index}] MAIL FROM:{0} RCPT TO:{1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      // plain relaying, whatever the sender claims to be
      "<sender@example.org>          | <victim@example.com>                      | 554 5.7.1",
      "<>                            | <victim@example.com>                      | 554 5.7.1",
      "<demo@localhost>              | <victim@example.com>                      | 554 5.7.1",
      "<sender@example.org>          | <VICTIM@EXAMPLE.COM>                      | 554 5.7.1",
      "<sender@example.org>          | <postmaster@example.com>                  | 554 5.7.1",
      "<sender@example.org>          | <victim@sub.localhost>                    | 554 5.7.1",
      // the percent hack, bang paths and quoted local parts: a remote destination inside a local address
      "<sender@example.org>          | <victim%example.com@localhost>            | 554 5.7.1",
      "<>                            | <victim%example.com@localhost>            | 554 5.7.1",
      "<sender@example.org>          | <example.com!victim@localhost>            | 554 5.7.1",
      "<sender@example.org>          | <\"victim@example.com\"@localhost>        | 554 5.7.1",
      "<sender@example.org>          | <\"victim%example.com\"@localhost>        | 554 5.7.1",
      "<sender@example.org>          | <\"example.com!victim\"@localhost>        | 554 5.7.1",
      "<sender@example.org>          | <\"victim\"@example.com>                  | 554 5.7.1",
      "<sender@example.org>          | <\"demo\"@localhost>                      | 554 5.7.1",
      // address literals are never our domains
      "<sender@example.org>          | <victim@[127.0.0.1]>                      | 554 5.7.1",
      "<sender@example.org>          | <demo@[127.0.0.1]>                        | 554 5.7.1",
      "<sender@example.org>          | <victim@[IPv6:::1]>                       | 554 5.7.1",
      // source routes (RFC 5321 §4.1.2 and Appendix C) are refused outright
      "<sender@example.org>          | <@localhost:victim@example.com>           | 501 5.1.3",
      "<sender@example.org>          | <@localhost,@example.com:victim@example.com> | 501 5.1.3",
      // an unquoted second @, trailing dots, junk in the domain: not a mailbox
      "<sender@example.org>          | <victim@example.com@localhost>            | 501 5.1.3",
      "<sender@example.org>          | <demo@localhost@example.com>              | 501 5.1.3",
      "<sender@example.org>          | <demo@localhost.>                         | 501 5.1.3",
      "<sender@example.org>          | <victim@example.com.>                     | 501 5.1.3",
      "<sender@example.org>          | <victim@localhost%example.com>            | 501 5.1.3",
      "<sender@example.org>          | <example.com!victim>                      | 501 5.1.3",
      "<sender@example.org>          | <victim%example.com>                      | 501 5.1.3",
      "<sender@example.org>          | victim@example.com                        | 501 5.1.3",
      "<sender@example.org>          | < victim@example.com>                     | 501 5.1.3"})
  void unauthenticatedTricksOnTheMxPortAreRefused(String from, String to, String code) throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      c.greet("EHLO");
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:" + from));
      String reply = c.cmd("RCPT TO:" + to);
      assertTrue(reply.startsWith(code + " "), "RCPT TO:" + to + " -> " + reply);
      // and the transaction has no recipient: nothing can be sent
      assertEquals("503 5.5.1 Need RCPT command first", c.cmd("DATA"));
    }
  }

  @Test
  void theControlCaseIsAccepted() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      c.greet("EHLO");
      c.cmd("MAIL FROM:<sender@example.org>");
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<Demo@LOCALHOST>"));
    }
  }

  /**
   * RFC 5321 §4.5.1: "Postmaster" without a domain MUST be accepted as a recipient; it is the postmaster of the
   * primary domain (here the node's hostname, localhost, whose postmaster@ is an alias of alice).
   */
  @Test
  void postmasterWithoutADomainIsAcceptedAndDelivered() throws Exception {
    node.node.directory().putAlias(new org.mailhive.directory.DirectoryEntry.Alias("postmaster@localhost",
        "alice@localhost")).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      c.greet("EHLO");
      c.cmd("MAIL FROM:<sender@example.org>");
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<Postmaster>"));
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<postmaster>"));
      assertTrue(c.cmd("DATA").startsWith("354 "));
      assertEquals("250 2.0.0 Ok: stored", c.cmd("Subject: for the postmaster\r\n\r\nhello\r\n."));
    }
    try (LineClient imap = new LineClient(node.imapPort())) {
      imap.line();
      imap.imap("l", "LOGIN alice@localhost alice-pw");
      assertTrue(imap.imap("s", "STATUS INBOX (MESSAGES)").contains("* STATUS \"INBOX\" (MESSAGES 1)"));
    }
  }

  @Test
  void claimingToBeTheServerInHeloChangesNothing() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      c.reply();
      c.cmd("HELO localhost");
      c.cmd("MAIL FROM:<demo@localhost>");
      assertTrue(c.cmd("RCPT TO:<victim@example.com>").startsWith("554 5.7.1 "));
    }
  }

  @Test
  void authOnTheMxPortCannotUnlockRelaying() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      c.greet("EHLO");
      c.starttls(tls);
      assertTrue(c.authPlain("alice@localhost", "alice-pw").startsWith("503 5.5.1 "));
      c.cmd("MAIL FROM:<alice@localhost>");
      assertTrue(c.cmd("RCPT TO:<victim@example.com>").startsWith("554 5.7.1 "));
    }
  }

  @Test
  void unauthenticatedSubmissionOn587AndOn465IsRefused() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.port("submission"))) {
      c.greet("EHLO");
      assertEquals("530 5.7.0 Authentication required", c.cmd("MAIL FROM:<sender@example.org>"));
      c.starttls(tls);
      assertEquals("530 5.7.0 Authentication required", c.cmd("MAIL FROM:<alice@localhost>"));
      assertEquals("503 5.5.1 Need MAIL command first", c.cmd("RCPT TO:<victim@example.com>"));
    }
    try (SmtpClient c = SmtpClient.implicitTls(node.port("submissions"), tls)) {
      c.greet("EHLO");
      assertEquals("530 5.7.0 Authentication required", c.cmd("MAIL FROM:<>"));
    }
  }

  @Test
  void anAuthenticatedUserCannotForgeAnotherUsersAddress() throws Exception {
    try (SmtpClient c = SmtpClient.implicitTls(node.port("submissions"), tls)) {
      c.greet("EHLO");
      c.authPlain("alice@localhost", "alice-pw");
      assertEquals("553 5.7.1 Sender address rejected: not owned by user", c.cmd("MAIL FROM:<bob@localhost>"));
      assertEquals("553 5.7.1 Sender address rejected: not owned by user", c.cmd("MAIL FROM:<demo@localhost>"));
      assertEquals("553 5.7.1 Sender address rejected: not owned by user", c.cmd("MAIL FROM:<>"));
    }
  }

  @Test
  void routingTricksAreRefusedEvenWhenAuthenticated() throws Exception {
    try (SmtpClient c = SmtpClient.implicitTls(node.port("submissions"), tls)) {
      c.greet("EHLO");
      c.authPlain("alice@localhost", "alice-pw");
      c.cmd("MAIL FROM:<alice@localhost>");
      assertTrue(c.cmd("RCPT TO:<victim%example.com@localhost>").startsWith("554 5.7.1 "));
      assertTrue(c.cmd("RCPT TO:<example.com!victim@localhost>").startsWith("554 5.7.1 "));
    }
  }

  @Test
  void mynetworksDecidesByTheFirstMatchingEntry() throws Exception {
    // 127.0.0.1 is excluded by "!127.0.0.1" before "127.0.0.0/8" could trust it
    try (SmtpClient c = SmtpClient.plainFrom("127.0.0.1", trusting.smtpPort())) {
      c.greet("EHLO");
      c.cmd("MAIL FROM:<sender@example.org>");
      assertTrue(c.cmd("RCPT TO:<victim@example.com>").startsWith("554 5.7.1 "));
    }
    // 127.0.0.2 is trusted: relaying is allowed (the message would go to the outbound queue)
    try (SmtpClient c = SmtpClient.plainFrom("127.0.0.2", trusting.smtpPort())) {
      c.greet("EHLO");
      c.cmd("MAIL FROM:<sender@example.org>");
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<friend@example.com>"));
      // routing tricks stay refused even from a trusted network
      assertTrue(c.cmd("RCPT TO:<victim%example.com@localhost>").startsWith("554 5.7.1 "));
    }
  }
}
