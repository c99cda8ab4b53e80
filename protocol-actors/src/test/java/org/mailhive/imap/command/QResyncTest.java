package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.MessageMeta;
import org.mailhive.mailbox.UidRanges;

/** RFC 7162 §3.2 syntax: SELECT (QRESYNC ...), the VANISHED fetch modifier, and the resync answer. */
class QResyncTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 4);

  private static ImapArgs raw(String text) {
    return new ImapArgs(ByteString.fromString(text, StandardCharsets.US_ASCII), LIMITS);
  }

  private static QResync.SelectParams select(String params) throws ImapParseException {
    ImapArgs args = raw(params);
    QResync.SelectParams p = QResync.selectParams(args);
    args.end();
    return p;
  }

  private static MessageMeta message(long uid, long modSeq) {
    return new MessageMeta(uid, modSeq, List.of("\\Seen"), 10, 0, "b", "(NIL)", "(\"text\")", "(\"text\")");
  }

  @Test
  void parsesTheRfcExampleWithKnownUids() throws ImapParseException {
    // RFC 7162 §3.2.5.1, example A03.
    QResync.Resync r = select("(QRESYNC (67890007 20050715194045000 41,43:211,214:541))").resync();
    assertEquals(67890007L, r.uidValidity());
    assertEquals(20050715194045000L, r.modSeq());
    assertEquals("41,43:211,214:541", r.knownUids().text());
    assertNull(r.knownSeqs());
  }

  @Test
  void parsesSeqMatchDataWithAndWithoutKnownUidsAndCondstoreBesideIt() throws ImapParseException {
    QResync.SelectParams p = select("(CONDSTORE QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 "
        + "15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))");
    assertTrue(p.condStore());
    assertEquals("5000,7500,9000,9990:9999", p.resync().knownSeqs().text());
    QResync.Resync noKnown = select("(qresync (1 2 (1,2 3,4)))").resync();
    assertFalse(noKnown.limitsUids());
    assertEquals("3:4", noKnown.knownSeqUids().text());
    assertFalse(select("(QRESYNC (1 2))").condStore());
  }

  @ParameterizedTest
  @ValueSource(strings = {"(QRESYNC)", "(QRESYNC ())", "(QRESYNC (0 5))", "(QRESYNC (1 0))", "(QRESYNC (1))",
      "(QRESYNC (1 x))", "(QRESYNC (1 2 1:*))", "(QRESYNC (1 2 $))", "(QRESYNC (1 2 1:5 (1,2 3)))",
      "(QRESYNC (1 2 1:5 (1,2)))", "(QRESYNC (1 2) QRESYNC (1 2))", "(CONDSTORE CONDSTORE)", "(QRESYNC (1 2 1:5",
      "(FOO)", "()", "(QRESYNC (1 2 1:5 (1:2 3:4) x))", "(QRESYNC (1 99999999999999999999))"})
  void rejectsMalformedSelectParameters(String params) {
    assertThrows(ImapParseException.class, () -> select(params));
  }

  @Test
  void vanishedModifierNeedsUidFetchAndChangedSince() throws ImapParseException {
    FetchCommand ok = FetchCommand.parse(raw(" 1:* (FLAGS) (CHANGEDSINCE 12 VANISHED)"), true);
    assertTrue(ok.vanished());
    assertEquals(12, ok.changedSince());
    assertTrue(FetchCommand.parse(raw(" 1:* (FLAGS) (VANISHED CHANGEDSINCE 3)"), true).vanished());
    assertFalse(FetchCommand.parse(raw(" 1:* (FLAGS) (CHANGEDSINCE 3)"), true).vanished());
    for (String bad : List.of(" 1:* (FLAGS) (VANISHED)", " 1:* FLAGS (CHANGEDSINCE 3 VANISHED VANISHED)",
        " 1:* FLAGS (CHANGEDSINCE 3 CHANGEDSINCE 4)", " 1:* FLAGS (CHANGEDSINCE 3 FOO)", " 1:* FLAGS ()")) {
      assertThrows(ImapParseException.class, () -> FetchCommand.parse(raw(bad), true), bad);
    }
    assertThrows(ImapParseException.class,
        () -> FetchCommand.parse(raw(" 1:* FLAGS (CHANGEDSINCE 3 VANISHED)"), false), "not for FETCH by number");
  }

  private static List<String> answer(String params, MailboxProtocol.Opened opened) throws ImapParseException {
    List<String> out = new ArrayList<>();
    QResync.answer(select(params).resync(), opened, m -> "(\\Seen)", out::add);
    return out;
  }

  @Test
  void answersVanishedEarlierWithinTheKnownUidsThenTheChangedMessages() throws ImapParseException {
    MailboxProtocol.Opened opened = new MailboxProtocol.Opened(7, 12, 30, List.of(message(1, 5), message(4, 25),
        message(9, 30)), 12, UidRanges.of(List.of(2L, 3L, 5L, 10L)));
    assertEquals(List.of("VANISHED (EARLIER) 2:3,5,10", "2 FETCH (UID 4 FLAGS (\\Seen) MODSEQ (25))",
        "3 FETCH (UID 9 FLAGS (\\Seen) MODSEQ (30))"), answer("(QRESYNC (7 20))", opened));
    assertEquals(List.of("VANISHED (EARLIER) 3,5", "3 FETCH (UID 9 FLAGS (\\Seen) MODSEQ (30))"),
        answer("(QRESYNC (7 20 1,3,5:9))", opened));
    assertEquals(List.of(), answer("(QRESYNC (8 20))", opened), "another UIDVALIDITY: the parameter is ignored");
  }

  @Test
  void matchingSequenceUidPairsLeaveTheUidsUpToTheLastMatchOut() throws ImapParseException {
    // Messages 1, 4, 9 remain; the client's pair (1 -> 1) holds, (2 -> 3) no longer does.
    MailboxProtocol.Opened opened = new MailboxProtocol.Opened(7, 12, 30, List.of(message(1, 5), message(4, 5),
        message(9, 5)), 12, UidRanges.of(List.of(2L, 3L, 5L)));
    assertEquals(List.of("VANISHED (EARLIER) 2:3,5"), answer("(QRESYNC (7 20 (1,2 1,3)))", opened));
    // (2 -> 4) holds: nothing up to UID 4 is reported.
    assertEquals(List.of("VANISHED (EARLIER) 5"), answer("(QRESYNC (7 20 (1:2 1,4)))", opened));
  }
}
