package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OBJECTID (RFC 8474) over a real socket: MAILBOXID on CREATE, SELECT and STATUS, kept through RENAME and a
 * restart of the node, new after DELETE and CREATE of the same name; EMAILID the same for a COPY; THREADID shared by
 * a reply and its root; SEARCH EMAILID and THREADID; every id within RFC 8474 §4's objectid characters.
 */
class ImapObjectIdIT {
  private static final String USER = "objectid@localhost";
  private static final String PASSWORD = "objectid-test-password";
  private static final String ID = "([A-Za-z0-9_-]{1,255})";
  private static final Pattern CREATED = Pattern.compile("^c\\d OK \\[MAILBOXID \\(" + ID + "\\)\\] CREATE completed$");
  private static final Pattern SELECTED = Pattern.compile("^\\* OK \\[MAILBOXID \\(" + ID + "\\)\\] .*$");
  private static final Pattern STATUS = Pattern.compile("^\\* STATUS \\S+ \\(MAILBOXID \\(" + ID + "\\)\\)$");
  private static final Pattern FETCHED = Pattern.compile(
      "^\\* \\d+ FETCH \\((?:UID \\d+ )?EMAILID \\(" + ID + "\\) THREADID \\(" + ID + "\\)\\)$");

  private static final String ROOT = "From: a@example.org\r\nSubject: plans\r\nMessage-ID: <root@example.org>\r\n\r\nroot\r\n";
  private static final String REPLY = "From: b@example.org\r\nSubject: Re: plans\r\nMessage-ID: <reply@example.org>\r\n"
      + "In-Reply-To: <root@example.org>\r\nReferences: <root@example.org>\r\n\r\nreply\r\n";
  private static final String OTHER = "From: c@example.org\r\nSubject: else\r\nMessage-ID: <other@example.org>\r\n\r\nx\r\n";

  private static LineClient login(TestNode node) throws Exception {
    LineClient c = new LineClient(node.imapPort());
    c.line();
    assertTrue(LineClient.last(c.imap("l", "LOGIN " + USER + " " + PASSWORD)).startsWith("l OK"));
    return c;
  }

  private static String one(Pattern p, List<String> lines) {
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.matches()) {
        return m.group(1);
      }
    }
    throw new AssertionError("no line matches " + p + " in " + lines);
  }

  private static void append(LineClient c, String mailbox, String message) throws Exception {
    String l = LineClient.last(c.append(mailbox, message));
    assertTrue(l.startsWith("ap OK"), l);
  }

  /** EMAILID and THREADID of message {@code seq} in the selected mailbox. */
  private static String[] ids(LineClient c, int seq) throws Exception {
    List<String> lines = c.imap("f" + seq, "FETCH " + seq + " (EMAILID THREADID)");
    for (String l : lines) {
      Matcher m = FETCHED.matcher(l);
      if (m.matches()) {
        return new String[] {m.group(1), m.group(2)};
      }
    }
    throw new AssertionError(lines.toString());
  }

  @Test
  void idsAreAdvertisedStableAcrossRenameAndRestartAndSharedByCopiesAndThreads(@TempDir Path dir) throws Exception {
    String projects;
    String emailId;
    String threadId;
    TestNode node = TestNode.start(dir, Map.of(), Map.of(USER, PASSWORD));
    try (LineClient c = login(node)) {
      assertTrue(c.imap("k", "CAPABILITY").get(0).contains(" OBJECTID"));
      projects = one(CREATED, c.imap("c1", "CREATE Projects"));
      assertEquals(projects, one(SELECTED, c.imap("s1", "SELECT Projects")));
      assertEquals(projects, one(STATUS, c.imap("t1", "STATUS Projects (MAILBOXID)")));
      // RFC 8474 §4.1: RENAME keeps the MAILBOXID; a new mailbox under an old name gets a new one.
      assertTrue(LineClient.last(c.imap("r1", "RENAME Projects Archive")).startsWith("r1 OK"));
      assertEquals(projects, one(STATUS, c.imap("t2", "STATUS Archive (MAILBOXID)")));
      String again = one(CREATED, c.imap("c2", "CREATE Projects"));
      assertNotEquals(projects, again);
      assertTrue(LineClient.last(c.imap("d1", "DELETE Projects")).startsWith("d1 OK"));
      assertNotEquals(again, one(CREATED, c.imap("c3", "CREATE Projects")));
      assertNotEquals(one(STATUS, c.imap("t3", "STATUS INBOX (MAILBOXID)")), projects);

      append(c, "INBOX", ROOT);
      append(c, "INBOX", REPLY);
      append(c, "INBOX", OTHER);
      c.imap("s2", "SELECT INBOX");
      String[] root = ids(c, 1);
      String[] reply = ids(c, 2);
      String[] other = ids(c, 3);
      emailId = root[0];
      threadId = root[1];
      assertNotEquals(root[0], reply[0]);
      assertEquals(root[1], reply[1], "a reply is in its root's thread");
      assertNotEquals(root[1], other[1]);
      assertEquals(List.of("* SEARCH 1"), c.imap("q1", "SEARCH EMAILID " + emailId).subList(0, 1));
      assertEquals(List.of("* SEARCH 1 2"), c.imap("q2", "SEARCH THREADID " + threadId).subList(0, 1));
      // RFC 8474 §5.1: a COPY is the same message.
      assertTrue(LineClient.last(c.imap("y1", "COPY 1 Archive")).startsWith("y1 OK"));
      c.imap("s3", "SELECT Archive");
      assertEquals(List.of(emailId, threadId), List.of(ids(c, 1)));
    } finally {
      node.close();
    }
    node = TestNode.start(dir, Map.of(), Map.of());
    try (LineClient c = login(node)) {
      assertEquals(projects, one(SELECTED, c.imap("s4", "SELECT Archive")), "MAILBOXID survives a restart");
      assertEquals(List.of(emailId, threadId), List.of(ids(c, 1)));
    } finally {
      node.close();
    }
  }
}
