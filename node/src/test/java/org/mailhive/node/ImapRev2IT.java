package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP4rev2 (RFC 9051) after ENABLE IMAP4rev2, beside an IMAP4rev1 session on the same mailbox that keeps RFC 3501
 * behaviour, as exact transcripts over real sockets against an in-process node (issue #4).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapRev2IT {
  private static final String MAILBOX_ID = "\\[MAILBOXID \\([A-Za-z0-9_-]{1,255}\\)\\]";
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir);
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private LineClient login() throws Exception {
    return node.imapLoggedIn();
  }

  private static void append(LineClient c, String mailbox, String subject) throws Exception {
    List<String> r = c.append(mailbox, "Subject: " + subject + "\r\n\r\nbody\r\n");
    assertTrue(LineClient.last(r).startsWith("ap OK [APPENDUID "), r.toString());
  }

  /** APPENDs from a third session, so that the two under test hear of the message only by their own updates. */
  private void deliver(String mailbox, String subject) throws Exception {
    try (LineClient c = login()) {
      append(c, mailbox, subject);
    }
  }

  /** The SELECT/EXAMINE answer with the RFC 8474 MAILBOXID line's id replaced by "x", so it can be compared. */
  private static List<String> withoutMailboxId(List<String> lines) {
    return lines.stream().map(l -> l.replaceFirst("^\\* OK " + MAILBOX_ID + " Ok$", "* OK [MAILBOXID (x)] Ok")).toList();
  }

  @Test
  void capabilityListsBothRevisions() throws Exception {
    try (LineClient c = new LineClient(node.imapPort())) {
      String greeting = c.line();
      assertTrue(greeting.startsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 "), greeting);
      String caps = c.imap("k", "CAPABILITY").get(0);
      assertTrue(caps.startsWith("* CAPABILITY IMAP4rev1 IMAP4rev2 ") && caps.contains(" LITERAL+ ")
          && caps.contains(" ENABLE "), caps);
    }
  }

  @Test
  void anEnabledSessionGetsEsearchNoRecentAndAListOnSelectWhileARev1SessionKeepsRfc3501() throws Exception {
    try (LineClient rev2 = login(); LineClient rev1 = login()) {
      assertEquals("c OK CREATE completed", LineClient.created(rev2.imap("c", "CREATE Rev2")));
      append(rev2, "Rev2", "one");
      append(rev2, "Rev2", "two");

      assertEquals(List.of("* ENABLED IMAP4rev2", "e OK ENABLE completed"), rev2.imap("e", "ENABLE IMAP4rev2"));
      assertEquals(List.of("* ENABLED", "e2 OK ENABLE completed"), rev2.imap("e2", "ENABLE IMAP4rev2"),
          "RFC 5161 §3.1: ENABLED names only what this command newly enabled");

      // RFC 9051 §6.3.2: no RECENT and no UNSEEN; a LIST response with the mailbox name and its attributes. The SELECT claims both
      // messages as recent (RFC 3501 §2.3.2), which only the rev1 session below could ever see.
      assertEquals(List.of(
          "* FLAGS (\\Answered \\Deleted \\Draft \\Flagged \\Seen)",
          "* OK [PERMANENTFLAGS (\\Answered \\Deleted \\Draft \\Flagged \\Seen \\*)] Flags permitted",
          "* 2 EXISTS",
          "* LIST (\\HasNoChildren) \"/\" \"Rev2\"",
          "* OK [UIDVALIDITY " + uidValidity(rev1, "Rev2") + "] UIDs valid",
          "* OK [UIDNEXT 3] Predicted next UID",
          "* OK [MAILBOXID (x)] Ok",
          "s OK [READ-WRITE] SELECT completed"), withoutMailboxId(rev2.imap("s", "SELECT Rev2")));

      assertEquals(List.of("* ESEARCH (TAG \"a1\") ALL 1:2", "a1 OK SEARCH completed"), rev2.imap("a1", "SEARCH ALL"));
      assertEquals(List.of("* ESEARCH (TAG \"a2\") UID ALL 2", "a2 OK UID SEARCH completed"),
          rev2.imap("a2", "UID SEARCH SUBJECT two"));
      assertEquals(List.of("* ESEARCH (TAG \"a3\")", "a3 OK SEARCH completed"), rev2.imap("a3", "SEARCH DELETED"));
      assertEquals(List.of("* ESEARCH (TAG \"a4\") COUNT 2", "a4 OK SEARCH completed"),
          rev2.imap("a4", "SEARCH RETURN (COUNT) ALL"), "an explicit RETURN is honoured as before");
      assertEquals(List.of("* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS ())", "f OK FETCH completed"),
          rev2.imap("f", "FETCH 1:* FLAGS"), "no \\Recent, although this SELECT claimed both");

      // The rev1 session on the same mailbox: RFC 3501 answers, untouched by the other session's ENABLE.
      List<String> examined = rev1.imap("x", "EXAMINE Rev2");
      assertTrue(examined.contains("* 0 RECENT") && examined.contains("* OK [UNSEEN 1] First unseen")
          && examined.stream().noneMatch(l -> l.startsWith("* LIST")), examined.toString());
      assertEquals(List.of("* SEARCH 1 2", "b1 OK SEARCH completed"), rev1.imap("b1", "SEARCH ALL"));
      assertEquals(List.of("* SEARCH 2", "b2 OK UID SEARCH completed"), rev1.imap("b2", "UID SEARCH SUBJECT two"));

      // A message delivered while both have the mailbox open: EXISTS for both; the rev1 session, which SELECTed
      // last and so owns new mail's \Recent (RFC 3501 §2.3.2), also gets RECENT.
      assertTrue(LineClient.last(rev1.imap("s1", "SELECT Rev2")).startsWith("s1 OK [READ-WRITE]"));
      deliver("Rev2", "three");
      assertEquals(List.of("* 3 EXISTS", "* 1 RECENT", "n1 OK NOOP completed"), rev1.imap("n1", "NOOP"));
      assertEquals(List.of("* 3 FETCH (FLAGS (\\Recent))", "f1 OK FETCH completed"), rev1.imap("f1", "FETCH 3 FLAGS"));
      assertEquals(List.of("* 3 EXISTS", "n2 OK NOOP completed"), rev2.imap("n2", "NOOP"));
      assertEquals(List.of("* 3 FETCH (FLAGS ())", "f2 OK FETCH completed"), rev2.imap("f2", "FETCH 3 FLAGS"));
      assertEquals(List.of("* ESEARCH (TAG \"a5\") ALL 1:3", "a5 OK SEARCH completed"), rev2.imap("a5", "SEARCH ALL"));
      assertEquals(List.of("* SEARCH 1 2 3", "b3 OK SEARCH completed"), rev1.imap("b3", "SEARCH ALL"));

      // RFC 9051 Appendix E item 21: every unsolicited FETCH carries the UID in IMAP4rev2, not in IMAP4rev1.
      assertEquals(List.of("st OK STORE completed"), rev1.imap("st", "STORE 1 +FLAGS.SILENT (\\Flagged)"));
      assertEquals(List.of("* 1 FETCH (UID 1 FLAGS (\\Flagged))", "n4 OK NOOP completed"), rev2.imap("n4", "NOOP"));
      assertEquals(List.of("st2 OK STORE completed"), rev2.imap("st2", "STORE 2 +FLAGS.SILENT (\\Flagged)"));
      assertEquals(List.of("* 2 FETCH (FLAGS (\\Flagged))", "n5 OK NOOP completed"), rev1.imap("n5", "NOOP"));

      // RFC 9051 §6.3.2: selecting again first closes the selected mailbox with [CLOSED]; rev1 gets no CLOSED.
      List<String> again = rev2.imap("s2", "EXAMINE INBOX");
      assertEquals("* OK [CLOSED] Previous mailbox closed", again.get(0), again.toString());
      assertTrue(again.contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\""), again.toString());
      List<String> rev1Again = rev1.imap("s3", "EXAMINE INBOX");
      assertTrue(rev1Again.stream().noneMatch(l -> l.contains("[CLOSED]")), rev1Again.toString());

      // Now the rev2 session SELECTs last and owns new mail's \Recent: it still hears of it by EXISTS alone.
      List<String> owner = rev2.imap("s4", "SELECT Rev2");
      assertTrue(owner.stream().noneMatch(l -> l.contains("RECENT")), owner.toString());
      deliver("Rev2", "four");
      assertEquals(List.of("* 4 EXISTS", "n3 OK NOOP completed"), rev2.imap("n3", "NOOP"));
      assertEquals(List.of("* 4 FETCH (FLAGS ())", "f3 OK FETCH completed"), rev2.imap("f3", "FETCH 4 FLAGS"));
      assertEquals(List.of("* ESEARCH (TAG \"a6\")", "a6 OK SEARCH completed"), rev2.imap("a6", "SEARCH RECENT"),
          "RFC 9051 has no \\Recent, so RECENT matches nothing");
    }
  }

  @Test
  void mailboxNamesAreUtf8AfterEnable() throws Exception {
    try (LineClient c = login()) {
      assertEquals("c OK CREATE completed", LineClient.created(c.imap("c", "CREATE Entw&APw-rfe-rev2")));
      assertEquals(List.of("* ENABLED IMAP4rev2", "e OK ENABLE completed"), c.imap("e", "ENABLE IMAP4rev2"));
      List<String> list = c.imap("l", "LIST \"\" \"Entw*\"");
      assertTrue(list.stream().anyMatch(l -> l.endsWith(" \"/\" \"Entwürfe-rev2\"")), list.toString());
      List<String> status = c.imap("st", "STATUS \"Entwürfe-rev2\" (MESSAGES DELETED)");
      assertEquals(List.of("* STATUS \"Entwürfe-rev2\" (MESSAGES 0 DELETED 0)", "st OK STATUS completed"), status);
      List<String> missing = c.imap("m", "SELECT Nowhere");
      assertTrue(LineClient.last(missing).startsWith("m NO [NONEXISTENT] "), missing.toString());
    }
  }

  private static long uidValidity(LineClient c, String mailbox) throws Exception {
    String line = c.imap("u", "STATUS " + mailbox + " (UIDVALIDITY)").get(0);
    return Long.parseLong(line.replaceAll(".*UIDVALIDITY (\\d+).*", "$1"));
  }
}
