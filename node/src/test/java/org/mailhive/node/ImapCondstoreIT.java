package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** CONDSTORE (RFC 7162 §3.1) over real sockets: mod-sequences seen by one and by two sessions, and after a restart. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapCondstoreIT {
  private static final String MESSAGE = "Subject: hi\r\n\r\nbody\r\n";
  private static final Pattern HIGHEST = Pattern.compile("^\\* OK \\[HIGHESTMODSEQ (\\d+)\\] .*");
  private static final Pattern STATUS = Pattern.compile("^\\* STATUS \\S+ \\(HIGHESTMODSEQ (\\d+)\\)$");
  private static final Pattern MODSEQ = Pattern.compile("^\\* \\d+ FETCH \\(.*MODSEQ \\((\\d+)\\)\\)$");
  Path dir;
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    node = TestNode.start(dir);
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private LineClient login() throws Exception {
    return node.imapLoggedIn();
  }

  private static void createWith(LineClient c, String mailbox, int messages) throws Exception {
    assertEquals("c OK CREATE completed", LineClient.created(c.imap("c", "CREATE " + mailbox)));
    for (int i = 0; i < messages; i++) {
      List<String> r = c.imap("ap", "APPEND " + mailbox + " {" + MESSAGE.length() + "+}\r\n" + MESSAGE);
      assertTrue(LineClient.last(r).startsWith("ap OK"), r.toString());
    }
  }

  /** The one number the pattern captures in the transcript; fails if no line or several lines match. */
  private static long only(Pattern p, List<String> lines) {
    List<Long> found = lines.stream().map(p::matcher).filter(Matcher::matches)
        .map(m -> Long.parseLong(m.group(1))).toList();
    assertEquals(1, found.size(), p + " in " + lines);
    return found.get(0);
  }

  private static List<String> fetches(List<String> lines) {
    return lines.stream().filter(l -> l.matches("^\\* \\d+ FETCH .*")).toList();
  }

  private static void ok(List<String> lines, String tag) {
    assertTrue(LineClient.last(lines).startsWith(tag + " OK"), lines.toString());
  }

  @Test
  void selectWithCondstoreShowsHighestModSeqAndStatusReportsTheSame() throws Exception {
    try (LineClient a = login(); LineClient plain = login()) {
      assertTrue(a.imap("cap", "CAPABILITY").stream().anyMatch(l -> l.startsWith("* CAPABILITY ") && l.contains(" CONDSTORE")));
      createWith(a, "Cs1", 2);
      List<String> plainSelect = plain.imap("s", "SELECT Cs1");
      ok(plainSelect, "s");
      assertFalse(plainSelect.stream().anyMatch(l -> l.contains("HIGHESTMODSEQ")),
          "not CONDSTORE-aware yet: " + plainSelect);

      List<String> selected = a.imap("s", "SELECT Cs1 (CONDSTORE)");
      ok(selected, "s");
      long highest = only(HIGHEST, selected);
      assertTrue(highest >= 2, selected.toString());
      assertEquals(highest, only(STATUS, a.imap("st", "STATUS Cs1 (HIGHESTMODSEQ)")));
      List<String> examined = a.imap("e", "EXAMINE Cs1");
      assertEquals(highest, only(HIGHEST, examined), "CONDSTORE stays on for the connection");
    }
  }

  @Test
  void fetchChangedSinceReturnsOnlyMessagesChangedAfterTheValueAndSearchModSeqFindsThem() throws Exception {
    try (LineClient a = login()) {
      createWith(a, "Cs2", 3);
      long before = only(HIGHEST, a.imap("s", "SELECT Cs2 (CONDSTORE)"));
      List<String> stored = a.imap("st", "STORE 2 +FLAGS (\\Flagged)");
      ok(stored, "st");
      long changed = only(MODSEQ, stored);
      assertTrue(changed > before, stored.toString());

      List<String> since = fetches(a.imap("f", "FETCH 1:* (FLAGS) (CHANGEDSINCE " + before + ")"));
      assertEquals(1, since.size(), since.toString());
      assertTrue(since.get(0).startsWith("* 2 FETCH (FLAGS (") && since.get(0).endsWith(" MODSEQ (" + changed + "))"),
          since.toString());
      assertEquals(List.of(), fetches(a.imap("u", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + changed + ")")));
      assertEquals(3, fetches(a.imap("z", "FETCH 1:* (MODSEQ) (CHANGEDSINCE 0)")).size());

      // A STORE that changes nothing must not bump the mod-sequence (RFC 7162 §3.1).
      assertEquals(changed, only(MODSEQ, a.imap("again", "STORE 2 +FLAGS (\\Flagged)")));
      assertEquals(changed, only(STATUS, a.imap("stat", "STATUS Cs2 (HIGHESTMODSEQ)")));

      assertTrue(a.imap("q", "SEARCH MODSEQ " + changed).contains("* SEARCH 2 (MODSEQ " + changed + ")"));
      // MODSEQ n matches mod-sequences of at least n (RFC 7162 §3.1.5); message 3 has exactly "before".
      List<String> uids = a.imap("uq", "UID SEARCH MODSEQ \"/flags/\\\\flagged\" all " + (before + 1));
      assertTrue(uids.contains("* SEARCH 2 (MODSEQ " + changed + ")"), uids.toString());
      assertTrue(a.imap("all", "SEARCH MODSEQ 1").contains("* SEARCH 1 2 3 (MODSEQ " + changed + ")"));
      List<String> none = a.imap("n", "SEARCH MODSEQ " + (changed + 1));
      assertTrue(none.contains("* SEARCH"), none.toString());
    }
  }

  @Test
  void conditionalStoreFailsForAMessageAnotherSessionChangedAndLeavesIt() throws Exception {
    try (LineClient a = login(); LineClient b = login()) {
      createWith(a, "Cs3", 2);
      long old = only(HIGHEST, a.imap("s", "SELECT Cs3 (CONDSTORE)"));
      assertTrue(b.imap("en", "ENABLE CONDSTORE").contains("* ENABLED CONDSTORE"));
      assertEquals(old, only(HIGHEST, b.imap("s", "SELECT Cs3")), "ENABLE CONDSTORE makes SELECT report it");

      List<String> bStore = b.imap("bs", "STORE 1 +FLAGS (\\Answered)");
      long bumped = only(MODSEQ, bStore);
      assertTrue(bumped > old, bStore.toString());

      List<String> cond = a.imap("cs", "STORE 1:2 (UNCHANGEDSINCE " + old + ") +FLAGS (\\Deleted)");
      assertEquals("cs OK [MODIFIED 1] Conditional STORE failed", LineClient.last(cond), cond.toString());
      assertTrue(cond.stream().anyMatch(l -> l.matches("^\\* 2 FETCH \\(FLAGS \\(.*\\\\Deleted.*\\) MODSEQ \\(\\d+\\)\\)$")),
          cond.toString());
      assertFalse(cond.stream().anyMatch(l -> l.startsWith("* 1 FETCH") && l.contains("\\Deleted")), cond.toString());

      List<String> flags = a.imap("f", "FETCH 1 (FLAGS MODSEQ)");
      String one = fetches(flags).stream().filter(l -> l.startsWith("* 1 FETCH (FLAGS")).findFirst().orElseThrow();
      assertTrue(one.contains("\\Answered") && !one.contains("\\Deleted") && one.endsWith("MODSEQ (" + bumped + "))"),
          flags.toString());

      // Session B learns A's change with MODSEQ in the unsolicited FETCH, since it enabled CONDSTORE.
      List<String> noop = b.imap("n", "NOOP");
      // RFC 7162 §3.1: with the UID too, whatever command the session happens to send.
      assertTrue(noop.stream().anyMatch(l -> l.startsWith("* 2 FETCH (UID 2 FLAGS (") && l.contains("\\Deleted")
          && l.matches(".* MODSEQ \\(\\d+\\)\\)$")), noop.toString());

      // UID STORE names UIDs in [MODIFIED]; UNCHANGEDSINCE 0 fails for every message; .SILENT sends nothing then.
      List<String> uidCond = b.imap("us", "UID STORE 1:2 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\\Seen)");
      assertEquals("us OK [MODIFIED 1,2] Conditional STORE failed", LineClient.last(uidCond), uidCond.toString());
      assertEquals(List.of(), fetches(uidCond));
      // .SILENT with CONDSTORE still reports the new MODSEQ (RFC 7162 §3.1.3).
      List<String> silent = b.imap("si", "STORE 1 (UNCHANGEDSINCE " + bumped + ") +FLAGS.SILENT (\\Seen)");
      ok(silent, "si");
      assertTrue(only(MODSEQ, silent) > bumped, silent.toString());
      assertFalse(silent.stream().anyMatch(l -> l.startsWith("* 1 FETCH (FLAGS")), silent.toString());
    }
  }

  @Test
  void malformedCondstoreSyntaxGetsBadWithACodeAndTheSessionGoesOn() throws Exception {
    try (LineClient a = login()) {
      createWith(a, "Cs4", 1);
      ok(a.imap("s", "SELECT Cs4"), "s");
      for (String bad : List.of("STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Seen)", "FETCH 1 FLAGS (CHANGEDSINCE)",
          "SEARCH MODSEQ", "SELECT Cs4 (QRESYNC)", "STATUS Cs4 (HIGHESTMODSEQ 1)")) {
        String reply = LineClient.last(a.imap("b", bad));
        assertTrue(reply.startsWith("b BAD [PARSE] "), bad + " -> " + reply);
      }
      assertEquals("n OK NOOP completed", LineClient.last(a.imap("n", "NOOP")));
    }
  }

  @Test
  void modSequencesSurviveANodeRestart() throws Exception {
    long highest;
    long stored;
    try (LineClient a = login()) {
      createWith(a, "Cs5", 2);
      a.imap("s", "SELECT Cs5 (CONDSTORE)");
      stored = only(MODSEQ, a.imap("st", "STORE 1 +FLAGS (\\Seen)"));
      highest = only(STATUS, a.imap("stat", "STATUS Cs5 (HIGHESTMODSEQ)"));
      assertEquals(stored, highest);
    }
    node.close();
    node = TestNode.start(dir);
    try (LineClient a = login()) {
      assertEquals(highest, only(STATUS, a.imap("stat", "STATUS Cs5 (HIGHESTMODSEQ)")));
      assertEquals(highest, only(HIGHEST, a.imap("s", "SELECT Cs5 (CONDSTORE)")));
      List<String> f = a.imap("f", "FETCH 1 (MODSEQ)");
      assertEquals(List.of("* 1 FETCH (MODSEQ (" + stored + "))"), fetches(f));
      assertTrue(only(MODSEQ, a.imap("st", "STORE 2 +FLAGS (\\Seen)")) > highest, "modseqs keep growing");
    }
  }
}
