package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** \Recent per RFC 3501 §2.3.2 seen by two sessions on the same mailbox, over real sockets (issue #4). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapRecentIT {
  private static final String MESSAGE = "Subject: hi\r\n\r\nbody\r\n";
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

  private static void append(LineClient c, String mailbox) throws Exception {
    List<String> r = c.append(mailbox, MESSAGE);
    assertTrue(LineClient.last(r).startsWith("ap OK"), r.toString());
  }

  @Test
  void onlyTheFirstSessionToSelectSeesMessagesAsRecent() throws Exception {
    try (LineClient a = login(); LineClient b = login()) {
      assertEquals("c OK CREATE completed", LineClient.created(a.imap("c", "CREATE Recent1")));
      append(a, "Recent1");
      append(a, "Recent1");
      assertTrue(a.imap("s", "STATUS Recent1 (RECENT)").contains("* STATUS \"Recent1\" (RECENT 2)"));
      List<String> examined = b.imap("e", "EXAMINE Recent1");
      assertTrue(examined.contains("* 2 RECENT"), examined.toString());

      List<String> selected = b.imap("s1", "SELECT Recent1");
      assertTrue(selected.contains("* 2 RECENT"), selected.toString());
      assertTrue(b.imap("f", "FETCH 1 FLAGS").contains("* 1 FETCH (FLAGS (\\Recent))"));
      assertTrue(b.imap("r", "SEARCH RECENT").contains("* SEARCH 1 2"));
      assertTrue(b.imap("n", "SEARCH NEW").contains("* SEARCH 1 2"));
      assertTrue(b.imap("o", "SEARCH OLD").contains("* SEARCH"));

      List<String> second = a.imap("s2", "SELECT Recent1");
      assertTrue(second.contains("* 0 RECENT"), second.toString());
      assertTrue(a.imap("f", "FETCH 1 FLAGS").contains("* 1 FETCH (FLAGS ())"));
      assertTrue(a.imap("o", "SEARCH OLD").contains("* SEARCH 1 2"));
      assertTrue(a.imap("s", "STATUS Recent1 (RECENT)").contains("* STATUS \"Recent1\" (RECENT 0)"));
    }
  }

  @Test
  void aMessageArrivingWhileSelectedIsRecentOnlyInTheSelectingSession() throws Exception {
    try (LineClient owner = login(); LineClient other = login()) {
      assertEquals("c OK CREATE completed", LineClient.created(owner.imap("c", "CREATE Recent2")));
      append(owner, "Recent2");
      other.imap("s0", "SELECT Recent2");
      List<String> selected = owner.imap("s1", "SELECT Recent2");
      assertTrue(selected.contains("* 0 RECENT"), selected.toString());

      append(other, "Recent2");
      List<String> noop = owner.imap("n", "NOOP");
      assertTrue(noop.contains("* 2 EXISTS") && noop.contains("* 1 RECENT"), noop.toString());
      assertTrue(owner.imap("f", "FETCH 2 FLAGS").contains("* 2 FETCH (FLAGS (\\Recent))"));
      assertTrue(owner.imap("st", "STORE 2 +FLAGS (\\Seen)").contains("* 2 FETCH (FLAGS (\\Recent \\Seen))"));

      List<String> otherNoop = other.imap("n", "NOOP");
      assertFalse(otherNoop.stream().anyMatch(l -> l.endsWith(" RECENT") && !l.equals("* 0 RECENT")), otherNoop.toString());
      assertTrue(other.imap("f", "FETCH 2 FLAGS").contains("* 2 FETCH (FLAGS (\\Seen))"));
    }
  }
}
