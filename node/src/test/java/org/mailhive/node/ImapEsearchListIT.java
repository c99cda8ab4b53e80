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
 * ESEARCH (RFC 4731), SEARCHRES (RFC 5182) and the extended LIST (RFC 5258, RFC 5819) over a real socket against
 * an in-process node, as exact transcripts (issue #4).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapEsearchListIT {
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

  /** A new folder with nine messages (UIDs 1 to 9), 2, 3, 4 and 9 \Flagged, selected. */
  private static void nineMessagesSelected(LineClient c, String folder) throws Exception {
    assertEquals("c OK CREATE completed", LineClient.created(c.imap("c", "CREATE " + folder)));
    for (int i = 1; i <= 9; i++) {
      String message = "Subject: m" + i + "\r\n\r\nbody\r\n";
      List<String> r = c.imap("ap", "APPEND " + folder + " {" + message.length() + "+}\r\n" + message);
      assertTrue(LineClient.last(r).startsWith("ap OK [APPENDUID "), r.toString());
    }
    assertTrue(LineClient.last(c.imap("s", "SELECT " + folder)).startsWith("s OK [READ-WRITE]"));
    assertEquals(List.of("f OK STORE completed"), c.imap("f", "STORE 2:4,9 +FLAGS.SILENT (\\Flagged)"));
  }

  @Test
  void searchReturnAnswersWithOneEsearchLine() throws Exception {
    try (LineClient c = login()) {
      String caps = c.imap("k", "CAPABILITY").get(0);
      assertTrue(caps.contains(" ESEARCH ") && caps.contains(" SEARCHRES"), caps);
      nineMessagesSelected(c, "Esearch");
      assertEquals(List.of("* ESEARCH (TAG \"a1\") MIN 2 MAX 9 ALL 2:4,9 COUNT 4", "a1 OK SEARCH completed"),
          c.imap("a1", "SEARCH RETURN (MIN MAX ALL COUNT) FLAGGED"));
      assertEquals(List.of("* ESEARCH (TAG \"a2\") UID MIN 2 MAX 9 ALL 2:4,9 COUNT 4", "a2 OK UID SEARCH completed"),
          c.imap("a2", "UID SEARCH RETURN (MIN MAX ALL COUNT) FLAGGED"));
      assertEquals(List.of("* ESEARCH (TAG \"a3\") ALL 2:4,9", "a3 OK SEARCH completed"),
          c.imap("a3", "SEARCH RETURN () FLAGGED"), "RFC 4731 §3.1: RETURN () means ALL");
      assertEquals(List.of("* ESEARCH (TAG \"a4\") COUNT 0", "a4 OK SEARCH completed"),
          c.imap("a4", "SEARCH RETURN (MIN MAX COUNT) DELETED"));
      assertEquals(List.of("* ESEARCH (TAG \"a5\") UID MAX 8", "a5 OK UID SEARCH completed"),
          c.imap("a5", "UID SEARCH RETURN (MAX) CHARSET UTF-8 UNFLAGGED 5:*"));
      assertEquals(List.of("* SEARCH 2 3 4 9", "a6 OK SEARCH completed"), c.imap("a6", "SEARCH FLAGGED"),
          "without RETURN the answer stays RFC 3501's");
      List<String> bad = c.imap("a7", "SEARCH RETURN (PARTIAL 1:5) ALL");
      assertEquals(1, bad.size(), bad.toString());
      assertTrue(bad.get(0).startsWith("a7 BAD [PARSE] "), bad.toString());
      assertTrue(c.imap("a8", "SEARCH RETURN (MIN ALL").get(0).startsWith("a8 BAD [PARSE] "));
      assertEquals("a9 OK NOOP completed", LineClient.last(c.imap("a9", "NOOP")), "the session goes on");
    }
  }

  @Test
  void savedResultIsUsableAsDollarUntilTheMailboxIsLeft() throws Exception {
    try (LineClient c = login()) {
      assertEquals("t OK CREATE completed", LineClient.created(c.imap("t", "CREATE Searchres-Copies")));
      nineMessagesSelected(c, "Searchres");
      assertEquals(List.of("b1 OK FETCH completed"), c.imap("b1", "FETCH $ UID"),
          "RFC 5182 §2.1: $ before any SAVE is the empty set");
      assertEquals(List.of("b2 OK SEARCH completed"), c.imap("b2", "SEARCH RETURN (SAVE) FLAGGED"),
          "SAVE alone answers nothing (RFC 5182 §2.2)");
      assertEquals(List.of("* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)", "* 4 FETCH (UID 4)", "* 9 FETCH (UID 9)",
          "b3 OK FETCH completed"), c.imap("b3", "FETCH $ UID"));
      assertEquals(List.of("* SEARCH 2 3 4", "b4 OK SEARCH completed"), c.imap("b4", "SEARCH $ NOT 9"));
      assertEquals(List.of("* SEARCH 3 4", "b5 OK UID SEARCH completed"), c.imap("b5", "UID SEARCH UID $ 3:8"));
      assertEquals(List.of("* ESEARCH (TAG \"b6\") UID MIN 2 MAX 9", "b6 OK UID SEARCH completed"),
          c.imap("b6", "UID SEARCH RETURN (MIN MAX SAVE) FLAGGED"));
      assertEquals(List.of("* 2 FETCH (UID 2)", "* 9 FETCH (UID 9)", "b7 OK UID FETCH completed"),
          c.imap("b7", "UID FETCH $ UID"), "SAVE with MIN and MAX keeps just those two (RFC 5182 §2.2)");
      String copied = LineClient.last(c.imap("b8", "COPY $ Searchres-Copies"));
      assertTrue(copied.matches("b8 OK \\[COPYUID \\d+ 2,9 1:2\\] COPY completed"), copied);
      assertEquals(List.of("b9 OK STORE completed"), c.imap("b9", "STORE $ +FLAGS.SILENT (\\Seen)"));
      assertEquals(List.of("* SEARCH 2 9", "c1 OK SEARCH completed"), c.imap("c1", "SEARCH SEEN"));
      // $ holds UIDs: after message 2 is expunged, UID 9 is message 8.
      assertEquals(List.of("c2 OK UID STORE completed"), c.imap("c2", "UID STORE 2 +FLAGS.SILENT (\\Deleted)"));
      List<String> expunged = c.imap("c3", "EXPUNGE");
      assertTrue(expunged.contains("* 2 EXPUNGE") && LineClient.last(expunged).equals("c3 OK EXPUNGE completed"),
          expunged.toString());
      assertEquals(List.of("* 8 FETCH (UID 9)", "c4 OK FETCH completed"), c.imap("c4", "FETCH $ UID"));
      assertTrue(c.imap("c5", "MOVE $ Searchres-Copies").contains("c5 OK MOVE completed"));
      assertTrue(c.imap("c6", "STATUS Searchres-Copies (MESSAGES)")
          .contains("* STATUS \"Searchres-Copies\" (MESSAGES 3)"));
      // A failed SEARCH ... SAVE empties $, and so does leaving the mailbox.
      assertTrue(LineClient.last(c.imap("c7", "SEARCH RETURN (SAVE) FLAGGED")).startsWith("c7 OK"));
      assertTrue(LineClient.last(c.imap("c8", "SEARCH RETURN (SAVE) BOGUS")).startsWith("c8 BAD [PARSE] "));
      assertEquals(List.of("c9 OK FETCH completed"), c.imap("c9", "FETCH $ UID"));
      assertTrue(LineClient.last(c.imap("d1", "SEARCH RETURN (SAVE) FLAGGED")).startsWith("d1 OK"));
      assertTrue(LineClient.last(c.imap("d2", "SELECT Searchres")).startsWith("d2 OK"));
      assertEquals(List.of("d3 OK FETCH completed"), c.imap("d3", "FETCH $ UID"), "SELECT resets $");
      assertTrue(LineClient.last(c.imap("d4", "SEARCH RETURN (SAVE) FLAGGED")).startsWith("d4 OK"));
      assertEquals("d5 OK UNSELECT completed", LineClient.last(c.imap("d5", "UNSELECT")));
      assertTrue(LineClient.last(c.imap("d6", "EXAMINE Searchres")).startsWith("d6 OK"));
      assertEquals(List.of("d7 OK FETCH completed"), c.imap("d7", "FETCH $ UID"), "UNSELECT resets $");
      assertTrue(c.imap("d8", "FETCH $:3 UID").get(0).startsWith("d8 BAD [PARSE] "), "$ stands alone (RFC 5182 §3)");
    }
  }

  @Test
  void extendedListSelectsSubscriptionsAndReturnsStatus() throws Exception {
    try (LineClient c = login()) {
      String caps = c.imap("k", "CAPABILITY").get(0);
      assertTrue(caps.contains(" LIST-EXTENDED") && caps.contains(" LIST-STATUS"), caps);
      for (String folder : List.of("Lx", "Lx/Child", "Lx2")) {
        assertEquals("c OK CREATE completed", LineClient.created(c.imap("c", "CREATE " + folder)));
      }
      for (String folder : List.of("Lx/Child", "Lx2", "Ghost")) {
        assertEquals("s OK SUBSCRIBE completed", LineClient.last(c.imap("s", "SUBSCRIBE " + folder)));
      }
      assertEquals(List.of("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Lx/Child\"",
          "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Lx2\"",
          "* LIST (\\Subscribed \\NonExistent) \"/\" \"Ghost\"", "e1 OK LIST completed"),
          c.imap("e1", "LIST (SUBSCRIBED) \"\" (\"Lx*\" \"Ghost\")"));
      assertEquals(List.of("* LIST (\\HasChildren) \"/\" \"Lx\" (\"CHILDINFO\" (\"SUBSCRIBED\"))",
          "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Lx2\"", "e2 OK LIST completed"),
          c.imap("e2", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"Lx%\""));
      assertEquals(List.of("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Lx/Child\"", "e3 OK LIST completed"),
          c.imap("e3", "LIST \"\" Lx/% RETURN (SUBSCRIBED CHILDREN)"));
      assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"Lx/Child\"", "e4 OK LIST completed"),
          c.imap("e4", "LIST \"\" Lx/%"), "\\Subscribed only when asked for (RFC 5258 §3.2)");
      String seen = "Subject: read\r\n\r\nx\r\n";
      assertTrue(LineClient.last(c.imap("a", "APPEND Sent (\\Seen) {" + seen.length() + "+}\r\n" + seen)).startsWith("a OK"));
      assertTrue(LineClient.last(c.imap("a", "APPEND Sent {" + seen.length() + "+}\r\n" + seen)).startsWith("a OK"));
      List<String> status = c.imap("e5",
          "LIST \"\" (\"INBOX\" \"Sent\") RETURN (CHILDREN SUBSCRIBED SPECIAL-USE STATUS (MESSAGES UNSEEN))");
      assertEquals(List.of("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"", "* STATUS \"INBOX\" (MESSAGES 0 UNSEEN 0)",
          "* LIST (\\HasNoChildren \\Sent \\Subscribed) \"/\" \"Sent\"", "* STATUS \"Sent\" (MESSAGES 2 UNSEEN 1)",
          "e5 OK LIST completed"), status);
      assertEquals(List.of("* LIST (\\Noselect) \"/\" \"\"", "e6 OK LIST completed"), c.imap("e6", "LIST \"\" \"\""));
      assertTrue(c.imap("e7", "LIST (RECURSIVEMATCH) \"\" \"*\"").get(0).startsWith("e7 BAD [PARSE] "),
          "RFC 5258 §3.1: RECURSIVEMATCH alone is BAD");
      assertTrue(c.imap("e8", "LIST \"\" \"*\" RETURN (BOGUS)").get(0).startsWith("e8 BAD [PARSE] "));
      assertTrue(c.imap("e9", "LIST \"\" (\"*\"").get(0).startsWith("e9 BAD [PARSE] "));
      assertTrue(c.imap("f1", "LIST \"\" \"*\" RETURN (STATUS ())").get(0).startsWith("f1 BAD [PARSE] "));
      assertEquals("f2 OK LIST completed", LineClient.last(c.imap("f2", "LIST (REMOTE) \"\" Lx2")));
    }
  }

  @Test
  void createCanGiveAFolderASpecialUse() throws Exception {
    try (LineClient c = login()) {
      assertEquals("g1 OK CREATE completed", LineClient.created(c.imap("g1", "CREATE Archive (USE (\\Archive))")));
      assertEquals(List.of("* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"", "g2 OK LIST completed"),
          c.imap("g2", "LIST \"\" Archive RETURN (SPECIAL-USE)"));
      assertTrue(c.imap("g3", "LIST (SPECIAL-USE) \"\" \"*\"").contains("* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\""));
      assertTrue(c.imap("g4", "CREATE Other (USE (\\Bogus))").get(0).startsWith("g4 NO [USEATTR]"));
      assertTrue(LineClient.last(c.imap("g5", "LIST \"\" Other")).equals("g5 OK LIST completed"));
      assertTrue(c.imap("g6", "CREATE Other (USE \\Archive)").get(0).startsWith("g6 BAD [PARSE] "));
    }
  }
}
