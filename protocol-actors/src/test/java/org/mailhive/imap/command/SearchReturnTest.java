package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.imap.command.SearchReturn.Option;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.imap.parse.SequenceSet;

class SearchReturnTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 4);

  private static ImapArgs args(String text) {
    return new ImapArgs(ByteString.fromString(text), LIMITS);
  }

  @Test
  void theReturnOptionsAreReadBeforeTheSearchKeys() throws Exception {
    ImapArgs a = args(" RETURN (MIN max ALL COUNT) FLAGGED");
    assertEquals(EnumSet.allOf(Option.class).stream().filter(o -> o != Option.SAVE).toList(),
        List.copyOf(SearchReturn.parseOptional(a).options()));
    SearchCommand cmd = SearchCommand.parse(a, false);
    assertFalse(cmd.byUid());
  }

  @Test
  void anEmptyReturnListMeansAll() throws Exception {
    assertEquals(EnumSet.of(Option.ALL), SearchReturn.parseOptional(args(" RETURN () ALL")).options());
  }

  @Test
  void aSearchWithoutReturnConsumesNothing() throws Exception {
    ImapArgs a = args(" RETURNED");
    assertNull(SearchReturn.parseOptional(a));
    assertEquals(0, a.position());
  }

  @ParameterizedTest
  @ValueSource(strings = {" RETURN (PARTIAL 1:5) ALL", " RETURN (MIN", " RETURN MIN ALL", " RETURN (MIN  MAX) ALL",
      " RETURN ( MIN) ALL"})
  void unknownOrMalformedReturnOptionsAreParseErrors(String text) {
    assertThrows(ImapParseException.class, () -> SearchReturn.parseOptional(args(text)));
  }

  @Test
  void theEsearchResponseListsMinMaxAllAndCountInTheRfc4731Form() {
    SearchReturn r = new SearchReturn(EnumSet.of(Option.MIN, Option.MAX, Option.ALL, Option.COUNT));
    assertEquals("ESEARCH (TAG \"a1\") UID MIN 2 MAX 9 ALL 2:4,9 COUNT 4", r.response("a1", true, List.of(2L, 3L, 4L, 9L)));
    assertEquals("ESEARCH (TAG \"a1\") MIN 2 MAX 9 ALL 2:4,9 COUNT 4", r.response("a1", false, List.of(2L, 3L, 4L, 9L)));
  }

  @Test
  void aModSeqSearchAddsTheHighestModSeqOfTheMessagesTheAnswerNames() {
    // RFC 7162 §3.1.5 with RFC 4731: numbers 2, 3, 4, 9 have mod-sequences 20, 90, 40, 30.
    java.util.function.LongUnaryOperator modSeq = n -> n == 3 ? 90 : n * 10;
    List<Long> hits = List.of(2L, 3L, 4L, 9L);
    assertEquals("ESEARCH (TAG \"m\") ALL 2:4,9 MODSEQ 90",
        new SearchReturn(EnumSet.of(Option.ALL)).response("m", false, hits, modSeq));
    assertEquals("ESEARCH (TAG \"m\") MIN 2 MAX 9 MODSEQ 90",
        new SearchReturn(EnumSet.of(Option.MIN, Option.MAX)).response("m", false, hits, modSeq));
    assertEquals("ESEARCH (TAG \"m\") UID MIN 2 MODSEQ 20",
        new SearchReturn(EnumSet.of(Option.MIN)).response("m", true, hits, modSeq));
    assertEquals("ESEARCH (TAG \"m\") COUNT 4 MODSEQ 90",
        new SearchReturn(EnumSet.of(Option.COUNT)).response("m", false, hits, modSeq));
    assertEquals("ESEARCH (TAG \"m\") COUNT 0",
        new SearchReturn(EnumSet.of(Option.COUNT)).response("m", false, List.of(), modSeq));
    assertEquals("ESEARCH (TAG \"m\") MIN 2", new SearchReturn(EnumSet.of(Option.MIN)).response("m", false, hits));
  }

  @Test
  void anEmptyResultGivesOnlyTheCountOrNothing() {
    SearchReturn all = new SearchReturn(EnumSet.of(Option.MIN, Option.MAX, Option.ALL, Option.COUNT));
    assertEquals("ESEARCH (TAG \"t\") COUNT 0", all.response("t", false, List.of()));
    SearchReturn minMax = new SearchReturn(EnumSet.of(Option.MIN, Option.MAX));
    assertEquals("ESEARCH (TAG \"t\") UID", minMax.response("t", true, List.of()));
  }

  @Test
  void saveAloneAnswersNothingAndKeepsEverything() {
    SearchReturn save = new SearchReturn(EnumSet.of(Option.SAVE));
    assertFalse(save.answers());
    assertTrue(save.saves());
    assertEquals(List.of(1L, 2L, 4L), save.saved(List.of(1L, 2L, 4L)));
  }

  @Test
  void saveWithMinOrMaxAloneKeepsOnlyWhatWasReturned() {
    assertEquals(List.of(1L, 5L), new SearchReturn(EnumSet.of(Option.MIN, Option.MAX, Option.SAVE))
        .saved(List.of(1L, 2L, 5L)));
    assertEquals(List.of(5L), new SearchReturn(EnumSet.of(Option.MAX, Option.SAVE)).saved(List.of(1L, 2L, 5L)));
    assertEquals(List.of(3L), new SearchReturn(EnumSet.of(Option.MIN, Option.MAX, Option.SAVE)).saved(List.of(3L)));
    assertEquals(List.of(1L, 2L, 5L), new SearchReturn(EnumSet.of(Option.MIN, Option.COUNT, Option.SAVE))
        .saved(List.of(1L, 2L, 5L)));
  }

  @Test
  void dollarInASearchMatchesTheSavedUidsNotSequenceNumbers() throws Exception {
    ImapArgs a = args(" $");
    a.savedResult(SequenceSet.savedResult(List.of(7L)));
    SearchCommand cmd = SearchCommand.parse(a, false);
    assertTrue(cmd.key().matches(candidate(1, 7)));
    assertFalse(cmd.key().matches(candidate(7, 8)));
  }

  private static SearchCommand.Candidate candidate(int seq, long uid) {
    var meta = new org.mailhive.mailbox.MessageMeta(uid, 1, List.of(), 10, 0L, "blob", null, null, null);
    return new SearchCommand.Candidate(seq, meta, false, 8, 8, null);
  }
}
