package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #4 acceptance 5: a malformed use of every IMAP command (wrong arguments, unterminated quotes and lists,
 * bad sequence sets, huge literal announcements) gets a tagged BAD or NO with a response code, and the session
 * goes on: NOOP still answers OK. Each case runs on its own connection, in the state the command belongs to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapMalformedCommandsIT {
  private static final Pattern CODED_ERROR = Pattern.compile("^t (BAD|NO) \\[[A-Z-]+[^\\]]*\\] .*");
  private static final String HUGE = "{99999999999}";
  TestNode node;
  LineClient shared;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir);
    try (LineClient c = loggedIn()) {
      String msg = "Subject: one\r\n\r\nbody\r\n";
      assertTrue(LineClient.last(c.imap("a", "APPEND INBOX {" + msg.length() + "+}\r\n" + msg)).startsWith("a OK"));
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (shared != null) {
      shared.close();
    }
    node.close();
  }

  private LineClient loggedIn() throws Exception {
    return node.imapLoggedIn();
  }

  enum In { NOT_AUTHENTICATED, SELECTED }

  static Stream<Arguments> cases() {
    return Stream.of(
        c(In.NOT_AUTHENTICATED, "CAPABILITY extra"),
        c(In.NOT_AUTHENTICATED, "NOOP extra"),
        c(In.NOT_AUTHENTICATED, "LOGOUT now"),
        c(In.NOT_AUTHENTICATED, "ID (\"name\" \"x\""),
        c(In.NOT_AUTHENTICATED, "ID \"unterminated"),
        c(In.NOT_AUTHENTICATED, "STARTTLS now"),
        c(In.NOT_AUTHENTICATED, "LOGIN"),
        c(In.NOT_AUTHENTICATED, "LOGIN onlyuser"),
        c(In.NOT_AUTHENTICATED, "LOGIN demo@localhost \"unterminated"),
        c(In.NOT_AUTHENTICATED, "LOGIN " + HUGE),
        c(In.NOT_AUTHENTICATED, "AUTHENTICATE"),
        c(In.NOT_AUTHENTICATED, "AUTHENTICATE CRAM-MD5"),
        c(In.NOT_AUTHENTICATED, "AUTHENTICATE PLAIN !!!notbase64"),
        c(In.NOT_AUTHENTICATED, "SELECT INBOX"),
        c(In.NOT_AUTHENTICATED, "XYZZY"),
        c(In.NOT_AUTHENTICATED, "UID"),
        c(In.SELECTED, "LOGIN a b"),
        c(In.SELECTED, "SELECT"),
        c(In.SELECTED, "SELECT \"unterminated"),
        c(In.SELECTED, "SELECT INBOX extra"),
        c(In.SELECTED, "SELECT NoSuchBox"),
        c(In.SELECTED, "SELECT INBOX (QRESYNC (1 2))"), // RFC 7162 §3.2.5: BAD without ENABLE QRESYNC
        c(In.SELECTED, "SELECT INBOX (QRESYNC (0 2))"),
        c(In.SELECTED, "SELECT INBOX (QRESYNC (1 2 1:*))"),
        c(In.SELECTED, "EXAMINE INBOX (QRESYNC (1 2 1:3 (1:2 5)))"),
        c(In.SELECTED, "SELECT INBOX (QRESYNC (1 2)"),
        c(In.SELECTED, "UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)"), // RFC 7162 §3.2.6: needs ENABLE QRESYNC
        c(In.SELECTED, "UID FETCH 1:* FLAGS (VANISHED)"),
        c(In.SELECTED, "FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)"),
        c(In.SELECTED, "EXAMINE"),
        c(In.SELECTED, "EXAMINE NoSuchBox"),
        c(In.SELECTED, "CREATE"),
        c(In.SELECTED, "CREATE INBOX"),
        c(In.SELECTED, "DELETE"),
        c(In.SELECTED, "DELETE NoSuchBox"),
        c(In.SELECTED, "RENAME OnlyOne"),
        c(In.SELECTED, "RENAME NoSuchBox Other"),
        c(In.SELECTED, "SUBSCRIBE"),
        c(In.SELECTED, "UNSUBSCRIBE \"unterminated"),
        c(In.SELECTED, "LIST"),
        c(In.SELECTED, "LIST \"\""),
        c(In.SELECTED, "LSUB \"\" \"unterminated"),
        c(In.SELECTED, "STATUS INBOX"),
        c(In.SELECTED, "STATUS INBOX (BOGUS)"),
        c(In.SELECTED, "STATUS INBOX (MESSAGES"),
        c(In.SELECTED, "STATUS NoSuchBox (MESSAGES)"),
        c(In.SELECTED, "APPEND"),
        c(In.SELECTED, "APPEND INBOX"),
        c(In.SELECTED, "APPEND INBOX (\\Seen"),
        c(In.SELECTED, "APPEND INBOX \"not a date\" {1+}\r\nx"),
        c(In.SELECTED, "APPEND INBOX " + HUGE),
        c(In.SELECTED, "APPEND INBOX ~{x}"),
        c(In.SELECTED, "APPEND INBOX ~{2+}\r\nab)"),
        c(In.SELECTED, "APPEND INBOX {1+}\r\nx (\\Seen)"),
        c(In.SELECTED, "APPEND INBOX {1+}\r\nx {1+}\r\ny \"bad date\" {1+}\r\nz"),
        c(In.SELECTED, "APPEND INBOX {1+}\r\nx " + HUGE),
        c(In.SELECTED, "APPEND INBOX UTF8 (~{1+}\r\nx)"),
        c(In.SELECTED, "FETCH"),
        c(In.SELECTED, "FETCH 1"),
        c(In.SELECTED, "FETCH 0 FLAGS"),
        c(In.SELECTED, "FETCH 1:x FLAGS"),
        c(In.SELECTED, "FETCH 1,,2 FLAGS"),
        c(In.SELECTED, "FETCH 99 FLAGS"),
        c(In.SELECTED, "FETCH 1 (FLAGS"),
        c(In.SELECTED, "FETCH 1 BOGUS"),
        c(In.SELECTED, "FETCH 1 BODY[HEADER.FIELDS (Subject]"),
        c(In.SELECTED, "FETCH 1 BODY[]<5.x>"),
        c(In.SELECTED, "FETCH 1 BINARY[TEXT]"),
        c(In.SELECTED, "FETCH 1 BINARY[1.x]"),
        c(In.SELECTED, "FETCH 1 BINARY.SIZE[1]<0.1>"),
        c(In.SELECTED, "FETCH 1 (BINARY.PEEK[1]"),
        c(In.SELECTED, "UID FETCH"),
        c(In.SELECTED, "UID FETCH 1:* (UID"),
        c(In.SELECTED, "STORE"),
        c(In.SELECTED, "STORE 1"),
        c(In.SELECTED, "STORE 1 +FLAGS"),
        c(In.SELECTED, "STORE 1 BOGUS (\\Seen)"),
        c(In.SELECTED, "STORE 1 +FLAGS (\\Recent)"),
        c(In.SELECTED, "STORE 1:* +FLAGS (\\Seen"),
        c(In.SELECTED, "STORE 99 +FLAGS (\\Seen)"),
        c(In.SELECTED, "UID STORE x FLAGS (\\Seen)"),
        c(In.SELECTED, "SEARCH"),
        c(In.SELECTED, "SEARCH BOGUS"),
        c(In.SELECTED, "SEARCH (ALL"),
        c(In.SELECTED, "SEARCH SINCE notadate"),
        c(In.SELECTED, "SEARCH LARGER x"),
        c(In.SELECTED, "SEARCH SUBJECT \"unterminated"),
        c(In.SELECTED, "SEARCH " + "(".repeat(40) + "ALL" + ")".repeat(40)),
        c(In.SELECTED, "SEARCH CHARSET BOGUS-8 ALL"),
        c(In.SELECTED, "UID SEARCH UID 1:x"),
        c(In.NOT_AUTHENTICATED, "SORT (DATE) UTF-8 ALL"),
        c(In.NOT_AUTHENTICATED, "UID THREAD REFERENCES UTF-8 ALL"),
        c(In.SELECTED, "SORT"),
        c(In.SELECTED, "SORT (BOGUS) UTF-8 ALL"),
        c(In.SELECTED, "SORT (REVERSE) UTF-8 ALL"),
        c(In.SELECTED, "SORT () UTF-8 ALL"),
        c(In.SELECTED, "SORT (DATE UTF-8 ALL"),
        c(In.SELECTED, "SORT DATE UTF-8 ALL"),
        c(In.SELECTED, "SORT (DATE) ALL"),
        c(In.SELECTED, "SORT (DATE) UTF-8"),
        c(In.SELECTED, "SORT (DATE) UTF-8 BOGUS"),
        c(In.SELECTED, "SORT (DATE) UTF-8 SINCE notadate"),
        c(In.SELECTED, "SORT (DATE) BOGUS-8 ALL"),
        c(In.SELECTED, "UID SORT (SUBJECT) UTF-8 UID 1:x"),
        c(In.SELECTED, "THREAD"),
        c(In.SELECTED, "THREAD BOGUS UTF-8 ALL"),
        c(In.SELECTED, "THREAD REFERENCES ALL"),
        c(In.SELECTED, "THREAD REFERENCES UTF-8"),
        c(In.SELECTED, "THREAD ORDEREDSUBJECT UTF-8 (ALL"),
        c(In.SELECTED, "THREAD REFERENCES BOGUS-8 ALL"),
        c(In.SELECTED, "UID THREAD REFERENCES UTF-8 BOGUS"),
        c(In.SELECTED, "COPY"),
        c(In.SELECTED, "COPY 1"),
        c(In.SELECTED, "COPY 1 NoSuchBox"),
        c(In.SELECTED, "COPY x INBOX"),
        c(In.SELECTED, "UID COPY"),
        c(In.SELECTED, "MOVE 1"),
        c(In.SELECTED, "MOVE 1:x Trash"),
        c(In.SELECTED, "UID MOVE 1 NoSuchBox"),
        c(In.SELECTED, "EXPUNGE now"),
        c(In.SELECTED, "UID EXPUNGE"),
        c(In.SELECTED, "UID EXPUNGE x"),
        c(In.SELECTED, "CHECK now"),
        c(In.SELECTED, "CLOSE now"),
        c(In.SELECTED, "UNSELECT now"),
        c(In.SELECTED, "IDLE now"),
        c(In.SELECTED, "ENABLE"),
        c(In.SELECTED, "NAMESPACE now"),
        c(In.SELECTED, "UID BOGUS 1"),
        c(In.SELECTED, "XYZZY"));
  }

  private static Arguments c(In state, String command) {
    return Arguments.of(state, command);
  }

  @ParameterizedTest(name = "[{0}] {1}")
  @MethodSource("cases")
  void getsACodedBadOrNoAndTheSessionContinues(In state, String command) throws Exception {
    if (state == In.NOT_AUTHENTICATED) {
      try (LineClient c = new LineClient(node.imapPort())) {
        c.line();
        check(c, command);
      }
      return;
    }
    // Logging in hashes a password on purpose slowly, so selected-state cases share one session while it lasts.
    if (shared == null) {
      shared = loggedIn();
    }
    try {
      assertTrue(LineClient.last(shared.imap("s", "SELECT INBOX")).startsWith("s OK"));
      check(shared, command);
    } catch (Exception | AssertionError e) {
      shared.close();
      shared = null;
      throw e;
    }
  }

  private static void check(LineClient c, String command) throws Exception {
    List<String> reply = c.imap("t", command);
    String tagged = LineClient.last(reply);
    assertTrue(CODED_ERROR.matcher(tagged).matches(), "no coded BAD/NO: " + reply);
    assertEquals("n OK NOOP completed", LineClient.last(c.imap("n", "NOOP")));
  }
}
