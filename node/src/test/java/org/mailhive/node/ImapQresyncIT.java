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

/**
 * QRESYNC (RFC 7162 §3.2) over real sockets; issue #4 acceptance 4 under QRESYNC: two sessions on one mailbox, one
 * expunging and storing flags, the other (also while it IDLEs) seeing exactly VANISHED and FETCH (UID FLAGS MODSEQ);
 * and a client that comes back with SELECT (QRESYNC ...) learning exactly what changed, also after a node restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapQresyncIT {
  private static final String MESSAGE = "Subject: hi\r\n\r\nbody\r\n";
  private static final Pattern HIGHEST = Pattern.compile("^\\* OK \\[HIGHESTMODSEQ (\\d+)\\] .*");
  private static final Pattern VALIDITY = Pattern.compile("^\\* OK \\[UIDVALIDITY (\\d+)\\] .*");
  private static final Pattern MODSEQ = Pattern.compile("^\\* \\d+ FETCH \\(.*MODSEQ \\((\\d+)\\)\\)$");
  private static final Pattern STATUS = Pattern.compile("^\\* STATUS \\S+ \\(HIGHESTMODSEQ (\\d+)\\)$");
  private static final Pattern TAGGED_HIGHEST = Pattern.compile("^\\S+ OK \\[HIGHESTMODSEQ (\\d+)\\] .*");
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

  private LineClient login(boolean qresync) throws Exception {
    LineClient c = node.imapLoggedIn();
    if (qresync) {
      List<String> enabled = c.imap("en", "ENABLE QRESYNC");
      assertEquals(List.of("* ENABLED QRESYNC", "en OK ENABLE completed"), enabled);
    }
    return c;
  }

  private static void createWith(LineClient c, String mailbox, int messages) throws Exception {
    assertEquals("c OK CREATE completed", LineClient.created(c.imap("c", "CREATE " + mailbox)));
    for (int i = 0; i < messages; i++) {
      List<String> r = c.imap("ap", "APPEND " + mailbox + " {" + MESSAGE.length() + "+}\r\n" + MESSAGE);
      assertTrue(LineClient.last(r).startsWith("ap OK"), r.toString());
    }
  }

  private static long only(Pattern p, List<String> lines) {
    List<Long> found = lines.stream().map(p::matcher).filter(Matcher::matches)
        .map(m -> Long.parseLong(m.group(1))).toList();
    assertEquals(1, found.size(), p + " in " + lines);
    return found.get(0);
  }

  /** The lines a resync is about: VANISHED and FETCH. */
  private static List<String> changes(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("* VANISHED") || l.matches("^\\* \\d+ FETCH .*")).toList();
  }

  private static void ok(List<String> lines, String tag) {
    assertTrue(LineClient.last(lines).startsWith(tag + " OK"), lines.toString());
  }

  @Test
  void anotherSessionSeesExactlyVanishedAndFetchWithUidAndModSeqAlsoWhileIdling() throws Exception {
    try (LineClient a = login(true); LineClient b = login(true)) {
      assertTrue(a.imap("cap", "CAPABILITY").stream().anyMatch(l -> l.startsWith("* CAPABILITY ") && l.contains(" QRESYNC")));
      createWith(a, "Qr1", 4);
      assertEquals("c OK CREATE completed", LineClient.created(a.imap("c", "CREATE Qr1b")));
      ok(a.imap("s", "SELECT Qr1"), "s");
      ok(b.imap("s", "SELECT Qr1"), "s");

      // A's own expunge is a VANISHED too, and its tagged OK names the mod-sequence the expunge reached.
      ok(a.imap("d", "UID STORE 2 +FLAGS.SILENT (\\Deleted)"), "d");
      List<String> expunged = a.imap("x", "UID EXPUNGE 2");
      assertEquals(List.of("* VANISHED 2"), changes(expunged), expunged.toString());
      long afterExpunge = only(TAGGED_HIGHEST, expunged);
      assertEquals(afterExpunge, only(STATUS, a.imap("st", "STATUS Qr1 (HIGHESTMODSEQ)")),
          "the expunge took the mailbox's latest mod-sequence");

      // B learns of it at its next command: the \Deleted flag of a message that is gone is not worth a FETCH.
      assertEquals(List.of("* VANISHED 2", "n OK NOOP completed"), b.imap("n", "NOOP"));
      long flagged = only(MODSEQ, a.imap("f", "UID STORE 3 +FLAGS (\\Flagged)"));
      assertTrue(flagged > afterExpunge);
      assertEquals(List.of("* 2 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ (" + flagged + "))", "n OK NOOP completed"),
          b.imap("n", "NOOP"));

      // While B idles, each change reaches it as it happens.
      b.send("i IDLE\r\n");
      assertTrue(b.line().startsWith("+ "));
      long deleted = only(MODSEQ, a.imap("d", "UID STORE 1 +FLAGS (\\Deleted)"));
      assertEquals("* 1 FETCH (UID 1 FLAGS (\\Deleted) MODSEQ (" + deleted + "))", b.line());
      expunged = a.imap("x", "EXPUNGE");
      assertEquals(List.of("* VANISHED 1"), changes(expunged), expunged.toString());
      assertFalse(expunged.stream().anyMatch(l -> l.endsWith(" EXPUNGE")), expunged.toString());
      assertEquals("* VANISHED 1", b.line());
      long seen = only(MODSEQ, a.imap("sn", "UID STORE 4 +FLAGS (\\Seen)"));
      assertEquals("* 2 FETCH (UID 4 FLAGS (\\Seen) MODSEQ (" + seen + "))", b.line());
      // MOVE (RFC 6851 §4.3) reports its expunge as VANISHED as well, to the mover and to the idler.
      List<String> moved = a.imap("m", "UID MOVE 3 Qr1b");
      assertEquals(List.of("* VANISHED 3"), changes(moved), moved.toString());
      // MOVE sets \Deleted a moment before it expunges; an idler may be told of that first.
      String next = b.line();
      if (!next.equals("* VANISHED 3")) {
        assertTrue(next.matches("^\\* 1 FETCH \\(UID 3 FLAGS \\(.*\\\\Deleted.*\\) MODSEQ \\(\\d+\\)\\)$"), next);
        assertEquals("* VANISHED 3", b.line());
      }
      b.send("DONE\r\n");
      assertTrue(b.line().startsWith("i OK"));
      assertEquals(List.of("n OK NOOP completed"), b.imap("n", "NOOP"), "nothing told twice");
    }
  }

  /** The state a QRESYNC client keeps about Qr2 after its first visit. */
  private long validity;
  private long seenHighest;
  private long flaggedModSeq;

  @Test
  void aReturningClientGetsExactlyTheVanishedAndChangedMessagesAlsoAfterARestart() throws Exception {
    try (LineClient first = login(true)) {
      createWith(first, "Qr2", 6);
      List<String> selected = first.imap("s", "SELECT Qr2");
      validity = only(VALIDITY, selected);
      seenHighest = only(HIGHEST, selected);
    }
    try (LineClient other = login(false)) {
      ok(other.imap("s", "SELECT Qr2"), "s");
      ok(other.imap("d", "UID STORE 2,5 +FLAGS (\\Deleted)"), "d");
      List<String> expunged = other.imap("x", "EXPUNGE");
      assertEquals(2, expunged.stream().filter(l -> l.endsWith(" EXPUNGE")).count(), "no VANISHED without QRESYNC");
      ok(other.imap("f", "UID STORE 3 +FLAGS (\\Flagged)"), "f");
      flaggedModSeq = only(MODSEQ, other.imap("fm", "UID FETCH 3 (MODSEQ)"));
    }
    assertResync();

    node.close();
    node = TestNode.start(dir);
    assertResync();
  }

  private void assertResync() throws Exception {
    String flaggedFetch = "* 2 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ (" + flaggedModSeq + "))";
    try (LineClient back = login(true)) {
      List<String> resync = back.imap("s", "SELECT Qr2 (QRESYNC (" + validity + " " + seenHighest + "))");
      ok(resync, "s");
      assertEquals(List.of("* VANISHED (EARLIER) 2,5", flaggedFetch), changes(resync), resync.toString());
      assertTrue(resync.contains("* 4 EXISTS"), resync.toString());
      assertFalse(resync.stream().anyMatch(l -> l.startsWith("* OK [CLOSED]")), "nothing was selected before");

      // Known UIDs narrow both answers; a second SELECT first closes the old mailbox with [CLOSED].
      List<String> narrowed = back.imap("s2", "EXAMINE Qr2 (QRESYNC (" + validity + " " + seenHighest + " 1:2,4:6))");
      ok(narrowed, "s2");
      assertTrue(narrowed.get(0).startsWith("* OK [CLOSED]"), narrowed.toString());
      assertEquals(List.of("* VANISHED (EARLIER) 2,5"), changes(narrowed), narrowed.toString());

      // Another UIDVALIDITY: the client's cache is void, and the parameter is ignored (RFC 7162 §3.2.5).
      List<String> stale = back.imap("s3", "SELECT Qr2 (QRESYNC (" + (validity + 1) + " " + seenHighest + "))");
      ok(stale, "s3");
      assertEquals(List.of(), changes(stale), stale.toString());

      List<String> fetched = back.imap("u", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + seenHighest + " VANISHED)");
      ok(fetched, "u");
      assertEquals(List.of("* VANISHED (EARLIER) 2,5", flaggedFetch), changes(fetched), fetched.toString());
      List<String> part = back.imap("u2", "UID FETCH 4:6 (FLAGS) (CHANGEDSINCE " + seenHighest + " VANISHED)");
      assertEquals(List.of("* VANISHED (EARLIER) 5"), changes(part), part.toString());

      // RFC 7162 §3.1.5: an ESEARCH that used MODSEQ names the highest mod-sequence of what it returns.
      List<String> es = back.imap("es", "UID SEARCH RETURN (MAX COUNT) MODSEQ " + (seenHighest + 1));
      assertTrue(es.contains("* ESEARCH (TAG \"es\") UID MAX 3 COUNT 1 MODSEQ " + flaggedModSeq), es.toString());
    }
  }

  @Test
  void qresyncSyntaxWithoutEnableIsABadWithACodeAndAPlainSessionSeesNoClosed() throws Exception {
    try (LineClient plain = login(false)) {
      createWith(plain, "Qr3", 1);
      ok(plain.imap("s", "SELECT Qr3"), "s");
      assertTrue(LineClient.last(plain.imap("q", "SELECT Qr3 (QRESYNC (1 1))")).startsWith("q BAD [CLIENTBUG]"));
      assertTrue(LineClient.last(plain.imap("v", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)"))
          .startsWith("v BAD [CLIENTBUG]"));
      List<String> again = plain.imap("s", "SELECT Qr3");
      ok(again, "s");
      assertFalse(again.stream().anyMatch(l -> l.contains("[CLOSED]")), again.toString());
      List<String> enabled = plain.imap("e", "ENABLE CONDSTORE QRESYNC");
      assertTrue(enabled.contains("* ENABLED CONDSTORE QRESYNC"), enabled.toString());
      assertEquals(1, enabled.stream().filter(l -> HIGHEST.matcher(l).matches()).count(), "told while selected");
      assertEquals(List.of("* ENABLED", "e OK ENABLE completed"), plain.imap("e", "ENABLE QRESYNC"));
    }
  }
}
