package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No acknowledgement before durability: a node killed with SIGKILL right after its 250 (or its STORE OK) still has
 * the message, with the same UID, UIDVALIDITY and flags, when it starts again on the same data directory.
 */
class KillRestartIT {

  private static String deliver(int smtpPort, String subject) throws Exception {
    try (LineClient smtp = new LineClient(smtpPort)) {
      assertTrue(smtp.smtpReply().startsWith("220"));
      assertTrue(smtp.smtp("EHLO test.example").startsWith("250"));
      assertTrue(smtp.smtp("MAIL FROM:<sender@example.org>").startsWith("250"));
      assertTrue(smtp.smtp("RCPT TO:<demo@localhost>").startsWith("250"));
      assertTrue(smtp.smtp("DATA").startsWith("354"));
      return smtp.smtp("Subject: " + subject + "\r\nFrom: sender@example.org\r\n\r\nbody of " + subject + "\r\n.");
    }
  }

  private static LineClient login(int imapPort, Path data) throws Exception {
    LineClient imap = new LineClient(imapPort);
    assertTrue(imap.line().startsWith("* OK"));
    String password = Files.readString(data.resolve("demo-password"), StandardCharsets.UTF_8).trim();
    assertTrue(LineClient.last(imap.imap("l1", "LOGIN demo@localhost \"" + password + "\"")).startsWith("l1 OK"));
    return imap;
  }

  private static String uidValidity(List<String> selectLines) {
    return selectLines.stream().filter(l -> l.contains("[UIDVALIDITY ")).findFirst().orElseThrow();
  }

  @Test
  void messageAndFlagsSurviveKill9RightAfterTheAcknowledgement(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    String validityBefore;
    try (NodeProcess first = NodeProcess.start(data, dir.resolve("first.log"))) {
      // Main sizes the JDK common pool before anything uses it (CommonPool): one thread would mean a new OS thread
      // for every reply the node waits on.
      List<String> pool = first.logLines("common_pool threads=");
      assertEquals(1, pool.size(), pool.toString());
      assertTrue(Integer.parseInt(pool.get(0).replaceAll(".*common_pool threads=(\\d+).*", "$1")) >= 2, pool.get(0));
      assertTrue(deliver(first.port("smtp"), "kept one").startsWith("250 2.0.0"));
      try (LineClient imap = login(first.port("imap"), data)) {
        validityBefore = uidValidity(imap.imap("s1", "SELECT INBOX"));
        assertEquals("s2 OK STORE completed", LineClient.last(imap.imap("s2", "STORE 1 +FLAGS (\\Flagged $Label1)")));
      }
      String reply = deliver(first.port("smtp"), "kept two");
      first.kill9(); // immediately after the 250, before anything else can be flushed
      assertTrue(reply.startsWith("250 2.0.0"), reply);
    }

    try (NodeProcess second = NodeProcess.start(data, dir.resolve("second.log"));
         LineClient imap = login(second.port("imap"), data)) {
      List<String> select = imap.imap("s1", "SELECT INBOX");
      assertTrue(select.contains("* 2 EXISTS"), select.toString());
      assertEquals(validityBefore, uidValidity(select));
      List<String> fetch = imap.imap("f1", "UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
      String all = String.join("\n", fetch);
      assertTrue(all.contains("* 1 FETCH (UID 1 FLAGS ($Label1 \\Flagged) BODY[HEADER.FIELDS (SUBJECT)] {"), all);
      assertTrue(all.contains("Subject: kept one"), all);
      // Message 2 arrived after the first session's SELECT, so this first SELECT after the restart claims it as
      // \Recent (RFC 3501 §2.3.2); message 1 was claimed before the kill and the claim survived it.
      assertTrue(all.contains("* 2 FETCH (UID 2 FLAGS (\\Recent) BODY[HEADER.FIELDS (SUBJECT)] {"), all);
      assertTrue(all.contains("Subject: kept two"), all);
      assertTrue(LineClient.last(fetch).startsWith("f1 OK"));
      List<String> body = imap.imap("f2", "UID FETCH 2 BODY.PEEK[TEXT]");
      assertTrue(body.contains("body of kept two"), body.toString());
    }
  }
}
