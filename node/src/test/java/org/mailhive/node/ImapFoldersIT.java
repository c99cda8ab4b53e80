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

/** Folders, COPY/MOVE, SEARCH and IDLE over a real socket against an in-process node (issue #4). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapFoldersIT {
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir);
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private LineClient login(String user) throws Exception {
    LineClient c = new LineClient(node.imapPort());
    c.line();
    node.node.settings();
    String password = node.password();
    assertTrue(LineClient.last(c.imap("l", "LOGIN demo@localhost \"" + password + "\"")).startsWith("l OK"));
    return c;
  }

  private static void append(LineClient c, String mailbox, String message) throws Exception {
    String l = LineClient.last(c.append(mailbox, message));
    assertTrue(l.startsWith("ap OK [APPENDUID "), l);
  }

  @Test
  void everyUserHasTheSpecialUseFoldersAndFoldersCanBeCreatedRenamedAndDeleted() throws Exception {
    try (LineClient c = login("demo")) {
      List<String> list = c.imap("a", "LIST \"\" \"*\"");
      assertTrue(list.contains("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\""), list.toString());
      assertTrue(list.contains("* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\""), list.toString());
      assertTrue(list.contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\""), list.toString());
      assertEquals("b OK CREATE completed", LineClient.created(c.imap("b", "CREATE Projects/2024")));
      assertTrue(LineClient.last(c.imap("c", "CREATE Projects/2024")).startsWith("c NO [ALREADYEXISTS]"));
      assertTrue(c.imap("d", "LIST \"\" Projects").contains("* LIST (\\HasChildren) \"/\" \"Projects\""));
      assertEquals("e OK RENAME completed", LineClient.last(c.imap("e", "RENAME Projects Archive/Projects")));
      assertTrue(c.imap("f", "LIST \"\" \"Archive/%\"").contains("* LIST (\\HasChildren) \"/\" \"Archive/Projects\""));
      assertTrue(c.imap("g", "LIST \"\" \"Archive/Projects/%\"")
          .contains("* LIST (\\HasNoChildren) \"/\" \"Archive/Projects/2024\""));
      assertEquals("h OK DELETE completed", LineClient.last(c.imap("h", "DELETE Archive/Projects/2024")));
      assertTrue(LineClient.last(c.imap("i", "SELECT Archive/Projects/2024")).startsWith("i NO [NONEXISTENT]"));
      assertTrue(LineClient.last(c.imap("j", "DELETE INBOX")).startsWith("j NO [CANNOT]"));
      assertTrue(LineClient.last(c.imap("k", "CREATE \"bad&name\"")).startsWith("k NO [CANNOT]"));
      assertTrue(LineClient.last(c.imap("m", "APPEND Nowhere {1+}\r\nx")).startsWith("m NO [TRYCREATE]"));
      assertEquals("n OK SUBSCRIBE completed", LineClient.last(c.imap("n", "SUBSCRIBE Archive")));
      assertTrue(c.imap("o", "LSUB \"\" \"*\"").contains("* LSUB () \"/\" \"Archive\""));
      assertTrue(c.imap("p", "STATUS Sent (MESSAGES UIDNEXT)").contains("* STATUS \"Sent\" (MESSAGES 0 UIDNEXT 1)"));
    }
  }

  @Test
  void copyMoveAndSearchWorkAcrossFolders() throws Exception {
    try (LineClient c = login("demo")) {
      c.imap("a", "CREATE Work");
      append(c, "Work", "From: Alice <alice@example.org>\r\nSubject: budget plan\r\n\r\nnumbers inside\r\n");
      append(c, "Work", "From: Bob <bob@example.org>\r\nSubject: lunch\r\n\r\npizza\r\n");
      c.imap("b", "SELECT Work");
      assertTrue(c.imap("c", "SEARCH FROM alice").contains("* SEARCH 1"));
      assertTrue(c.imap("d", "SEARCH SUBJECT LUNCH").contains("* SEARCH 2"));
      assertTrue(c.imap("e", "UID SEARCH BODY pizza").contains("* SEARCH 2"));
      assertTrue(c.imap("f", "SEARCH NOT FROM alice").contains("* SEARCH 2"));
      assertTrue(c.imap("g", "SEARCH OR FROM bob SUBJECT budget").contains("* SEARCH 1 2"));
      String copied = LineClient.last(c.imap("h", "UID COPY 1:2 Trash"));
      assertTrue(copied.matches("h OK \\[COPYUID \\d+ 1:2 1:2\\] UID COPY completed"), copied);
      List<String> moved = c.imap("i", "MOVE 1 Drafts");
      assertTrue(moved.stream().anyMatch(l -> l.matches("\\* OK \\[COPYUID \\d+ 1 1\\] Moved")), moved.toString());
      assertTrue(moved.contains("* 1 EXPUNGE"), moved.toString());
      assertTrue(c.imap("j", "STATUS Trash (MESSAGES)").contains("* STATUS \"Trash\" (MESSAGES 2)"));
      assertTrue(c.imap("k", "STATUS Work (MESSAGES)").contains("* STATUS \"Work\" (MESSAGES 1)"));
      assertTrue(LineClient.last(c.imap("l", "COPY 1 Nowhere")).startsWith("l NO [TRYCREATE]"));
    }
  }

  @Test
  void idleReportsAMessageAppendedByAnotherSession() throws Exception {
    try (LineClient idler = login("demo"); LineClient other = login("demo")) {
      idler.imap("a", "CREATE Idle");
      idler.imap("b", "SELECT Idle");
      idler.send("c IDLE\r\n");
      assertEquals("+ idling", idler.line());
      append(other, "Idle", "Subject: ping\r\n\r\nhi\r\n");
      assertEquals("* 1 EXISTS", idler.line());
      assertEquals("* 1 RECENT", idler.line(), "the idler SELECTed Idle, so new mail is recent in it (RFC 3501 §2.3.2)");
      idler.send("DONE\r\n");
      assertEquals("c OK IDLE terminated", idler.line());
      assertTrue(idler.imap("d", "NAMESPACE").contains("* NAMESPACE ((\"\" \"/\")) NIL NIL"));
      assertTrue(idler.imap("e", "ID NIL").get(0).startsWith("* ID ("));
      assertTrue(idler.imap("f", "ENABLE CONDSTORE").contains("* ENABLED CONDSTORE"));
    }
  }
}
