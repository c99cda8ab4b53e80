package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.directory.DirectoryEntry;
import org.mailhive.directory.UserDirectory;

/**
 * Quota per user (issue #5), end to end on one in-process node: a user with a limit of 20 messages and 100 KiB
 * gets mail over SMTP and LMTP until the 90% warning arrives (once), then is full: RCPT gets 452 4.2.2, APPEND
 * and COPY get NO [OVERQUOTA]; GETQUOTAROOT/GETQUOTA (RFC 9208) report exact numbers, also after EXPUNGE and after
 * a restart of the node on the same data, which must not send the warning again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuotaIT {
  static final String USER = "quser@localhost";
  static final String PASSWORD = "q-pw";
  static final long MAX_BYTES = 100 * 1024;
  static final long MAX_MESSAGES = 20;
  static final Pattern SIZE = Pattern.compile("RFC822\\.SIZE (\\d+)");
  static final String WARNING_SUBJECT = "Your mailbox is 90% full";
  Path dir;
  TestNode node;
  /**
   * Both starts use an OS-chosen cluster port, so the restart also shows that the durable directory (LMDB) does
   * not depend on the port (DirectoryStoreDir).
   */
  Map<String, Object> config;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    config = Map.of();
    node = TestNode.start(dir, config, Map.of(USER, PASSWORD));
    UserDirectory directory = node.node.directory();
    DirectoryEntry.User u = directory.userEntry(USER).orElseThrow();
    directory.putUser(new DirectoryEntry.User(u.address(), u.realName(), u.passwordHash(), true, MAX_BYTES,
        MAX_MESSAGES, null)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  @Test
  @Order(1)
  void quotaIsAdvertisedAndReportedExactlyAfterDeliveries() throws Exception {
    try (SmtpClient smtp = SmtpClient.plain(node.smtpPort())) {
      smtp.greet("EHLO");
      for (int i = 1; i <= 17; i++) {
        assertEquals("250 2.0.0 Ok: stored", send(smtp, "message " + i));
      }
    }
    try (LineClient c = login()) {
      assertTrue(c.imap("c", "CAPABILITY").get(0).contains(" QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE "));
      List<String> root = c.imap("q", "GETQUOTAROOT INBOX");
      assertEquals("* QUOTAROOT \"INBOX\" \"\"", root.get(0));
      assertEquals(expectedQuota(c, 17), root.get(1));
      assertEquals("q OK GETQUOTAROOT completed", LineClient.last(root));
      assertEquals(List.of(expectedQuota(c, 17), "g OK GETQUOTA completed"), c.imap("g", "GETQUOTA \"\""));
      assertEquals(0, warnings(c), "no warning below 90%");
    }
  }

  @Test
  @Order(2)
  void crossingNinetyPercentDeliversOneWarningFromThePostmaster() throws Exception {
    try (SmtpClient lmtp = SmtpClient.plain(node.port("lmtp"))) {
      lmtp.greet("LHLO");
      // the 18th message reaches 90% of 20: the warning is in the INBOX before the reply
      assertEquals("250 2.1.5 Ok: stored: <" + USER + ">", send(lmtp, "message 18"));
    }
    try (LineClient c = login()) {
      assertEquals(1, warnings(c));
      c.imap("x", "EXAMINE INBOX");
      List<String> header = c.imap("h", "FETCH 19 BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]");
      assertTrue(header.toString().contains("From: Postmaster <postmaster@localhost>"), header.toString());
      List<String> body = c.imap("b", "FETCH 19 BODY.PEEK[TEXT]");
      assertTrue(body.toString().contains("Messages: 18 of 20 used (90%)"), body.toString());
      assertEquals(expectedQuota(c, 19), c.imap("g", "GETQUOTA \"\"").get(0));
    }
    try (SmtpClient smtp = SmtpClient.plain(node.smtpPort())) {
      smtp.greet("EHLO");
      assertEquals("250 2.0.0 Ok: stored", send(smtp, "message 20"));
    }
    try (LineClient c = login()) {
      assertEquals(1, warnings(c), "still above 90%: no second warning");
      assertEquals(expectedQuota(c, 20), c.imap("g", "GETQUOTA \"\"").get(0));
    }
  }

  @Test
  @Order(3)
  void aFullMailboxIsRefusedAtRcptAppendAndCopy() throws Exception {
    try (SmtpClient smtp = SmtpClient.plain(node.smtpPort())) {
      smtp.greet("EHLO");
      smtp.cmd("MAIL FROM:<sender@example.org>");
      assertEquals("452 4.2.2 Mailbox full", smtp.cmd("RCPT TO:<" + USER + ">"));
      assertEquals("503 5.5.1 Need RCPT command first", smtp.cmd("DATA"));
    }
    try (SmtpClient lmtp = SmtpClient.plain(node.port("lmtp"))) {
      lmtp.greet("LHLO");
      lmtp.cmd("MAIL FROM:<sender@example.org>");
      assertEquals("452 4.2.2 Mailbox full", lmtp.cmd("RCPT TO:<" + USER + ">"));
    }
    try (LineClient c = login()) {
      String message = "Subject: one more\r\n\r\nhello\r\n";
      c.send("ap APPEND INBOX {" + message.length() + "+}\r\n" + message + "\r\n");
      assertEquals("ap NO [OVERQUOTA] Mailbox full", c.line());
      c.imap("s", "SELECT INBOX");
      assertEquals("k NO [OVERQUOTA] Mailbox full", LineClient.last(c.imap("k", "COPY 1 Trash")));
      // admins set quotas (mailhive-admin quota), not users
      assertTrue(LineClient.last(c.imap("t", "SETQUOTA \"\" (STORAGE 512)")).startsWith("t NO [NOPERM] "));
      assertTrue(LineClient.last(c.imap("m", "GETQUOTA")).startsWith("m BAD [PARSE] "));
      assertTrue(LineClient.last(c.imap("n", "SETQUOTA \"\" (STORAGE)")).startsWith("n BAD [PARSE] "));
      assertTrue(LineClient.last(c.imap("o", "GETQUOTA \"other\"")).startsWith("o NO [NONEXISTENT] "));
      assertTrue(LineClient.last(c.imap("p", "GETQUOTAROOT Nonexistent")).startsWith("p NO [NONEXISTENT] "));
    }
  }

  @Test
  @Order(4)
  void usageAndTheWarningStateSurviveARestartAndUsageFallsWithExpunge() throws Exception {
    String before;
    try (LineClient c = login()) {
      before = c.imap("g", "GETQUOTA \"\"").get(0);
    }
    node.close();
    node = TestNode.start(dir, config);
    try (LineClient c = login()) {
      assertEquals(before, c.imap("g", "GETQUOTA \"\"").get(0));
      c.imap("s", "SELECT INBOX");
      c.imap("d", "STORE 1 +FLAGS.SILENT (\\Deleted)");
      assertEquals("e OK EXPUNGE completed", LineClient.last(c.imap("e", "EXPUNGE")));
      assertEquals(expectedQuota(c, 19), c.imap("g", "GETQUOTA \"\"").get(0));
    }
    try (SmtpClient smtp = SmtpClient.plain(node.smtpPort())) {
      smtp.greet("EHLO");
      assertEquals("250 2.0.0 Ok: stored", send(smtp, "message 21"));
    }
    try (LineClient c = login()) {
      assertEquals(1, warnings(c), "the warning state came back from the journal: no second warning");
      assertEquals(expectedQuota(c, 20), c.imap("g", "GETQUOTA \"\"").get(0));
      c.imap("s", "SELECT INBOX");
      c.imap("d", "STORE 1:5 +FLAGS.SILENT (\\Deleted)");
      assertEquals("* STATUS \"Trash\" (DELETED 0 SIZE 0)", c.imap("x", "STATUS Trash (DELETED SIZE)").get(0));
      String status = c.imap("y", "STATUS INBOX (DELETED DELETED-STORAGE SIZE)").get(0);
      assertTrue(status.matches("\\* STATUS \"INBOX\" \\(DELETED 5 DELETED-STORAGE \\d+ SIZE \\d{4}\\)"), status);
      assertEquals("e OK EXPUNGE completed", LineClient.last(c.imap("e", "EXPUNGE")));
      assertEquals(expectedQuota(c, 15), c.imap("g", "GETQUOTA \"\"").get(0));
    }
    // 16 of 20 is seen below 90%, so reaching 18 again is a new crossing: exactly one more warning.
    try (SmtpClient smtp = SmtpClient.plain(node.smtpPort())) {
      smtp.greet("EHLO");
      for (int i = 22; i <= 24; i++) {
        assertEquals("250 2.0.0 Ok: stored", send(smtp, "message " + i));
      }
    }
    try (LineClient c = login()) {
      assertEquals(2, warnings(c));
      assertEquals(expectedQuota(c, 19), c.imap("g", "GETQUOTA \"\"").get(0));
    }
  }

  @Test
  @Order(5)
  void aMessageLargerThanTheStorageLeftIsRefused() throws Exception {
    try (SmtpClient smtp = SmtpClient.plain(node.smtpPort())) {
      smtp.greet("EHLO");
      smtp.cmd("MAIL FROM:<sender@example.org> SIZE=" + MAX_BYTES);
      // RFC 1870 §6.1: the announced size does not fit what is left
      assertEquals("452 4.2.2 Mailbox full", smtp.cmd("RCPT TO:<" + USER + ">"));
    }
    // Without SIZE= the RCPT passes; at the end of data the message does not fit: LMTP answers that recipient
    // 452 4.2.2 and stores the other recipient's copy (RFC 2033 §4.2), SMTP refuses the message.
    String bigBody = "y".repeat((int) MAX_BYTES) + "\r\n.";
    try (SmtpClient lmtp = SmtpClient.plain(node.port("lmtp"))) {
      lmtp.greet("LHLO");
      lmtp.cmd("MAIL FROM:<sender@example.org>");
      assertEquals("250 2.1.5 Ok", lmtp.cmd("RCPT TO:<" + USER + ">"));
      assertEquals("250 2.1.5 Ok", lmtp.cmd("RCPT TO:<demo@localhost>"));
      assertTrue(lmtp.cmd("DATA").startsWith("354 "));
      lmtp.send("Subject: big\r\n\r\n" + bigBody + "\r\n");
      assertEquals("452 4.2.2 Mailbox full", lmtp.reply());
      assertEquals("250 2.1.5 Ok: stored: <demo@localhost>", lmtp.reply());
    }
    try (SmtpClient smtp = SmtpClient.plain(node.smtpPort())) {
      smtp.greet("EHLO");
      smtp.cmd("MAIL FROM:<sender@example.org>");
      assertEquals("250 2.1.5 Ok", smtp.cmd("RCPT TO:<" + USER + ">"));
      assertTrue(smtp.cmd("DATA").startsWith("354 "));
      assertEquals("452 4.2.2 Mailbox full", smtp.cmd("Subject: big\r\n\r\n" + bigBody));
    }
    try (LineClient c = login()) {
      assertEquals(expectedQuota(c, 19), c.imap("g", "GETQUOTA \"\"").get(0));
      String big = "Subject: big\r\n\r\n" + "x".repeat((int) MAX_BYTES) + "\r\n";
      c.send("ap APPEND INBOX {" + big.length() + "+}\r\n" + big + "\r\n");
      assertEquals("ap NO [OVERQUOTA] Mailbox full", c.line());
    }
  }

  private String send(SmtpClient c, String subject) throws Exception {
    c.cmd("MAIL FROM:<sender@example.org>");
    assertTrue(c.cmd("RCPT TO:<" + USER + ">").startsWith("250 "));
    assertTrue(c.cmd("DATA").startsWith("354 "));
    return c.cmd("Subject: " + subject + "\r\n\r\nSome text.\r\n.");
  }

  private LineClient login() throws Exception {
    LineClient c = new LineClient(node.imapPort());
    c.line();
    assertTrue(LineClient.last(c.imap("l", "LOGIN " + USER + " " + PASSWORD)).startsWith("l OK"));
    return c;
  }

  /** The QUOTA line the node must send: INBOX holds all mail here, so its RFC822.SIZEs are the usage. */
  private static String expectedQuota(LineClient c, int messages) throws Exception {
    c.imap("x", "EXAMINE INBOX");
    long bytes = 0;
    int count = 0;
    for (String line : c.imap("f", "FETCH 1:* RFC822.SIZE")) {
      Matcher m = SIZE.matcher(line);
      if (m.find()) {
        bytes += Long.parseLong(m.group(1));
        count++;
      }
    }
    c.imap("u", "UNSELECT");
    assertEquals(messages, count);
    return "* QUOTA \"\" (STORAGE " + (bytes + 1023) / 1024 + " " + MAX_BYTES / 1024 + " MESSAGE " + messages + " "
        + MAX_MESSAGES + ")";
  }

  private static int warnings(LineClient c) throws Exception {
    c.imap("x", "EXAMINE INBOX");
    List<String> found = c.imap("w", "SEARCH SUBJECT \"" + WARNING_SUBJECT + "\"");
    c.imap("u", "UNSELECT");
    String hits = found.get(0).replace("* SEARCH", "").trim();
    return hits.isEmpty() ? 0 : hits.split(" ").length;
  }

  @Test
  @Order(6)
  void thePermanentPolicyAnswers552() throws Exception {
    try (TestNode strict = TestNode.start(dir.resolve("strict"),
        Map.of("mailhive.quota.over-quota-policy", "permanent"), Map.of(USER, PASSWORD))) {
      UserDirectory directory = strict.node.directory();
      DirectoryEntry.User u = directory.userEntry(USER).orElseThrow();
      directory.putUser(new DirectoryEntry.User(u.address(), u.realName(), u.passwordHash(), true, 0, 1, null))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      try (SmtpClient smtp = SmtpClient.plain(strict.smtpPort())) {
        smtp.greet("EHLO");
        assertEquals("250 2.0.0 Ok: stored", send(smtp, "the only one"));
        smtp.cmd("MAIL FROM:<sender@example.org>");
        assertEquals("552 5.2.2 Mailbox full", smtp.cmd("RCPT TO:<" + USER + ">"));
      }
    }
  }
}
