package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.MessageMeta;

/** RFC 7162 §3.1 syntax: CHANGEDSINCE, UNCHANGEDSINCE, SEARCH MODSEQ, SELECT (CONDSTORE), and what they render. */
class CondStoreTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 4);

  private static ImapArgs args(String afterCommand) {
    return new ImapArgs(ByteString.fromString(" " + afterCommand, StandardCharsets.US_ASCII), LIMITS);
  }

  private static MessageMeta message(long uid, long modSeq) {
    return new MessageMeta(uid, modSeq, List.of("\\Seen"), 10, 0, "b", "(NIL)", "(\"text\")", "(\"text\")");
  }

  private static SearchCommand.Candidate candidate(long uid, long modSeq) {
    return new SearchCommand.Candidate((int) uid, message(uid, modSeq), false, 10, 10, null);
  }

  @Test
  void fetchWithChangedSinceKeepsTheValueAndAsksForModSeq() throws ImapParseException {
    FetchCommand cmd = FetchCommand.parse(args("1:* (FLAGS) (CHANGEDSINCE 12345678901234)"), false);
    assertEquals(12345678901234L, cmd.changedSince());
    assertTrue(cmd.usesModSeq());
    assertEquals(new FetchCommand.Simple(FetchCommand.Attribute.MODSEQ), cmd.items().get(cmd.items().size() - 1));
  }

  @Test
  void fetchWithoutModifierIsUnconditionalAndDoesNotEnableCondStore() throws ImapParseException {
    FetchCommand cmd = FetchCommand.parse(args("1:* (FLAGS UID)"), true);
    assertEquals(FetchCommand.ALWAYS, cmd.changedSince());
    assertFalse(cmd.usesModSeq());
  }

  @Test
  void fetchModSeqItemRendersAsAParenthesisedNumber() throws ImapParseException {
    FetchCommand cmd = FetchCommand.parse(args("2 (UID MODSEQ)"), false);
    assertTrue(cmd.usesModSeq());
    String line = FetchRenderer.render(2, message(7, 42), false, cmd, null, false).utf8String();
    assertEquals("* 2 FETCH (UID 7 MODSEQ (42))\r\n", line);
  }

  @Test
  void malformedChangedSinceIsAParseError() {
    for (String bad : List.of("1 FLAGS (CHANGEDSINCE)", "1 FLAGS (CHANGEDSINCE x)", "1 FLAGS (CHANGEDSINCE 1",
        "1 FLAGS (UNCHANGEDSINCE 1)", "1 FLAGS (CHANGEDSINCE 99999999999999999999)", "1 FLAGS (CHANGEDSINCE -1)",
        "1 FLAGS CHANGEDSINCE 1")) {
      assertThrows(ImapParseException.class, () -> FetchCommand.parse(args(bad), false), bad);
    }
  }

  @Test
  void storeWithUnchangedSinceKeepsTheValueIncludingZero() throws ImapParseException {
    StoreCommand cmd = StoreCommand.parse(args("7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)"), false);
    assertEquals(320162338L, cmd.unchangedSince());
    assertTrue(cmd.silent());
    assertEquals(List.of("\\Deleted"), cmd.flags());
    assertEquals(0, StoreCommand.parse(args("1 (UNCHANGEDSINCE 0) FLAGS (\\Seen)"), true).unchangedSince());
    assertEquals(MailboxProtocol.UNCONDITIONAL, StoreCommand.parse(args("1 FLAGS (\\Seen)"), false).unchangedSince());
  }

  @Test
  void malformedUnchangedSinceIsAParseError() {
    for (String bad : List.of("1 (UNCHANGEDSINCE) FLAGS (\\Seen)", "1 (CHANGEDSINCE 5) FLAGS (\\Seen)",
        "1 (UNCHANGEDSINCE 5)FLAGS (\\Seen)", "1 (UNCHANGEDSINCE 5 FLAGS (\\Seen)", "1 (UNCHANGEDSINCE 5)")) {
      assertThrows(ImapParseException.class, () -> StoreCommand.parse(args(bad), false), bad);
    }
  }

  @Test
  void searchModSeqMatchesMessagesAtOrAboveTheValue() throws ImapParseException {
    SearchCommand cmd = SearchCommand.parse(args("MODSEQ 5"), false);
    assertTrue(cmd.usesModSeq());
    assertTrue(cmd.key().matches(candidate(1, 5)));
    assertTrue(cmd.key().matches(candidate(1, 6)));
    assertFalse(cmd.key().matches(candidate(1, 4)));
  }

  @Test
  void searchModSeqWithAnEntryNameParsesAndIgnoresTheEntry() throws ImapParseException {
    SearchCommand cmd = SearchCommand.parse(args("OR NOT SEEN MODSEQ \"/flags/\\\\draft\" all 620162338"), true);
    assertTrue(cmd.usesModSeq(), "a MODSEQ key nested in OR still asks for the MODSEQ response");
    assertTrue(cmd.key().matches(candidate(1, 620162338)));
    assertFalse(cmd.key().matches(candidate(1, 3)));
    assertFalse(SearchCommand.parse(args("SEEN UID 1:*"), false).usesModSeq());
  }

  @Test
  void malformedSearchModSeqIsAParseError() {
    for (String bad : List.of("MODSEQ", "MODSEQ x", "MODSEQ \"/flags/\\\\draft\" 5", "MODSEQ \"/flags/x\" mine 5",
        "MODSEQ \"/other\" all 5")) {
      assertThrows(ImapParseException.class, () -> SearchCommand.parse(args(bad), false), bad);
    }
  }

  @Test
  void searchResponseCarriesTheHighestModSeqOnlyWhenSomethingMatched() {
    assertEquals("SEARCH 2 5 (MODSEQ 917162500)", SearchCommand.response(List.of(2L, 5L), 917162500));
    assertEquals("SEARCH", SearchCommand.response(List.of(), 0));
  }

  @Test
  void modifiedResponseCodeListsTheNumbersInOrder() {
    assertEquals("[MODIFIED 7,9] Conditional STORE failed", CondStore.modified(List.of(9L, 7L)));
  }
}
