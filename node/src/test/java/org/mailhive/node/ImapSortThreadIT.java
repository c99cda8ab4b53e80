package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SORT and THREAD (RFC 5256) through Python's imaplib against a real node: three conversations of real messages
 * (sent dates in several zones, one without a Date, an encoded Subject, reply chains by In-Reply-To, two replies
 * to a message that is not there), sorted by every kind of key and threaded by both algorithms.
 */
class ImapSortThreadIT {
  private static final String USER = "sorter@localhost";
  private static final String PASSWORD = "sort-thread-password";

  @Test
  void imaplibSortsAndThreadsRealMessages(@TempDir Path dir) throws Exception {
    try (TestNode node = TestNode.start(dir, Map.of(), Map.of(USER, PASSWORD))) {
      Path script = Path.of(getClass().getResource("/clients/imap_sort_thread.py").toURI());
      Process p = new ProcessBuilder("python3", script.toString(), "127.0.0.1", String.valueOf(node.imapPort()),
          USER, PASSWORD).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "imaplib timed out");
      assertEquals(0, p.exitValue(), out);
      assertEquals(List.of(
          "capabilities True",
          // 6 has no Date (internal date 1 March); 5 was sent at 08:00 -0300, the same instant as 3, so 3 first.
          "sort-date OK 6 2 1 3 5 4 7 8",
          // Base subjects Budget (7, 8: one encoded), Lunch (2, 5, 6: "Fwd:"), Meeting (1, 3, 4: "RE: [team]").
          "sort-subject OK 7 8 2 5 6 1 3 4",
          "sort-subject-reverse-date OK 8 7 5 2 6 4 3 1",
          "sort-from OK 2 4 3 1 5 6 7 8",
          "sort-arrival OK 6 1 2 3 4 5 7 8",
          // UIDs are one above the sequence numbers (the placeholder, UID 1, was expunged).
          "uid-sort-from-meeting OK 5 4 2",
          "sort-body OK 5",
          "sort-none OK ",
          // Lunch: 5 replies to 2, and 6 ("Fwd: Lunch", no references) joins by subject; Meeting is a chain;
          // the Budget replies share a parent that is not in the mailbox, a dummy.
          "thread-references OK (2 (6)(5))(1 3 4)((7)(8))",
          "thread-orderedsubject OK (6 (2)(5))(1 (3)(4))(7 8)",
          "uid-thread-meeting OK (2 4 5)",
          "badcharset NO [BADCHARSET (US-ASCII UTF-8)] Charset not supported",
          "after OK NOOP completed",
          "logout BYE"), out.lines().toList(), out);
    }
  }
}
