package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.mailbox.MessageMeta;
import org.mailhive.mime.MessageSummary;

/** RFC 5256 §3 (and RFC 5957's DISPLAY keys): parsing, and the order of real messages' stored metadata. */
class SortCommandTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 8);

  private static ImapArgs args(String afterCommand) {
    return new ImapArgs(ByteString.fromString(" " + afterCommand, StandardCharsets.UTF_8), LIMITS);
  }

  /** A message as delivery stores it: the ENVELOPE computed from its header, its size and internal date. */
  private static MessageMeta stored(long uid, long internalDate, String header) {
    byte[] raw = (header + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
    MessageSummary s = MessageSummary.of(raw);
    return new MessageMeta(uid, 1, List.of(), raw.length, internalDate, "blob" + uid, s.envelope(),
        s.bodyStructure(), s.body());
  }

  private static List<Long> sort(String criteria, MessageMeta... messages) throws ImapParseException {
    SortCommand cmd = SortCommand.parse(args("(" + criteria + ") UTF-8 ALL"), false);
    List<SortableMessage> found = new ArrayList<>();
    for (int i = 0; i < messages.length; i++) {
      found.add(SortableMessage.of(i + 1, i + 1, messages[i]));
    }
    return cmd.order(found);
  }

  @Test
  void subjectSortsByBaseSubjectIgnoringAsciiCaseAndTiesGoBySequenceNumber() throws ImapParseException {
    assertEquals(List.of(2L, 4L, 1L, 3L, 5L), sort("SUBJECT",
        stored(1, 0, "Subject: Re: beta"),
        stored(2, 0, "Subject: [list] ALPHA"),
        stored(3, 0, "Subject: BETA (fwd)"),
        stored(4, 0, "Subject: =?UTF-8?Q?Fwd=3A_alpha?="),
        stored(5, 0, "Subject: gamma")));
  }

  @Test
  void reverseFlipsTheKeyButNotTheSequenceNumberTieBreak() throws ImapParseException {
    assertEquals(List.of(2L, 1L, 3L), sort("REVERSE SIZE",
        stored(1, 0, "Subject: aa"), stored(2, 0, "Subject: aaaaaaaa"), stored(3, 0, "Subject: bb")));
  }

  @Test
  void dateUsesTheSentDateInUtcAndFallsBackToTheInternalDate() throws ImapParseException {
    assertEquals(List.of(2L, 4L, 1L, 3L), sort("DATE",
        stored(1, 0, "Date: Mon, 7 Feb 1994 21:52:25 -0800"), // 05:52 UTC on the 8th
        stored(2, 0, "Date: Tue, 8 Feb 1994 04:00:00 +0000"),
        stored(3, 760_766_400_000L, "Subject: no date"), // internal date: 9 Feb 1994 04:00 UTC
        stored(4, 0, "Date: 8 Feb 1994 10:00:00 +0500"))); // 05:00 UTC
  }

  @Test
  void anUnparsableDateCountsAsTheInternalDate() throws ImapParseException {
    assertEquals(List.of(2L, 1L), sort("DATE",
        stored(1, 2_000_000_000_000L, "Date: yesterday"), stored(2, 0, "Date: Tue, 8 Feb 1994 04:00:00 +0000")));
  }

  @Test
  void arrivalSortsByInternalDate() throws ImapParseException {
    assertEquals(List.of(3L, 1L, 2L), sort("ARRIVAL", stored(1, 20, "Subject: a"), stored(2, 20, "Subject: b"),
        stored(3, 10, "Subject: c")));
  }

  @Test
  void addressKeysCompareTheFirstMailboxAndAMissingAddressSortsFirst() throws ImapParseException {
    MessageMeta a = stored(1, 0, "From: Zed <bob@example.org>\r\nTo: carol@example.org\r\nCc: x@y, alice@z");
    MessageMeta b = stored(2, 0, "From: alice@example.org\r\nTo: Carol <Bob@example.org>");
    MessageMeta c = stored(3, 0, "Subject: nobody");
    assertEquals(List.of(3L, 2L, 1L), sort("FROM", a, b, c));
    assertEquals(List.of(3L, 2L, 1L), sort("TO", a, b, c));
    assertEquals(List.of(2L, 3L, 1L), sort("CC", a, b, c));
    assertEquals(List.of(1L, 2L, 3L), sort("REVERSE FROM", a, b, c));
  }

  @Test
  void displayKeysUseTheDecodedDisplayNameElseTheAddress() throws ImapParseException {
    MessageMeta a = stored(1, 0, "From: =?UTF-8?Q?Zo=C3=A9?= <aaa@example.org>");
    MessageMeta b = stored(2, 0, "From: mmm@example.org");
    MessageMeta c = stored(3, 0, "From: \"Bob\" <zzz@example.org>");
    assertEquals(List.of(3L, 2L, 1L), sort("DISPLAYFROM", a, b, c));
    assertEquals(List.of(1L, 2L, 3L), sort("FROM", a, b, c));
  }

  @Test
  void laterKeysBreakTiesOfEarlierOnes() throws ImapParseException {
    assertEquals(List.of(3L, 1L, 2L), sort("SUBJECT REVERSE ARRIVAL",
        stored(1, 10, "Subject: a"), stored(2, 5, "Subject: b"), stored(3, 20, "Subject: Re: A")));
  }

  @Test
  void parsesTheCharsetAndTheSearchCriteria() throws ImapParseException {
    SortCommand cmd = SortCommand.parse(args("(REVERSE ARRIVAL cc) us-ascii UNSEEN SUBJECT \"x y\""), true);
    assertEquals(List.of(new SortCommand.Criterion(SortCommand.Key.ARRIVAL, true),
        new SortCommand.Criterion(SortCommand.Key.CC, false)), cmd.criteria());
    assertTrue(SortCommand.supportsCharset(cmd.charset()));
    assertTrue(cmd.byUid());
    assertFalse(SortCommand.supportsCharset("ISO-8859-1"));
  }

  @Test
  void rejectsMalformedSortCommands() {
    for (String bad : List.of("(BOGUS) UTF-8 ALL", "(REVERSE) UTF-8 ALL", "(REVERSE REVERSE DATE) UTF-8 ALL",
        "() UTF-8 ALL", "(DATE UTF-8 ALL", "DATE UTF-8 ALL", "(DATE) ALL", "(DATE) UTF-8", "(DATE) UTF-8 BOGUS",
        "(DATE)  UTF-8 ALL", "(DATE) UTF-8 ALL extra)")) {
      assertThrows(ImapParseException.class, () -> SortCommand.parse(args(bad), false), bad);
    }
  }

  @Test
  void rejectsUnknownThreadAlgorithmsAndMissingCriteria() throws ImapParseException {
    for (String bad : List.of("BOGUS UTF-8 ALL", "REFERENCES UTF-8", "REFERENCES", "(REFERENCES) UTF-8 ALL")) {
      assertThrows(ImapParseException.class, () -> ThreadCommand.parse(args(bad), false), bad);
    }
    assertEquals(ThreadCommand.Algorithm.ORDEREDSUBJECT,
        ThreadCommand.parse(args("orderedsubject UTF-8 ALL"), false).algorithm());
  }

  @Test
  void threadReferencesUsesTheStoredMessageIdAndInReplyTo() throws ImapParseException {
    ThreadCommand cmd = ThreadCommand.parse(args("REFERENCES UTF-8 ALL"), true);
    List<SortableMessage> found = List.of(
        SortableMessage.of(1, 11, stored(11, 2, "Subject: Re: q\r\nMessage-ID: <b@x>\r\nIn-Reply-To: <a@x>")),
        SortableMessage.of(2, 12, stored(12, 1, "Subject: q\r\nMessage-ID: <a@x>")),
        SortableMessage.of(3, 13, stored(13, 3, "Subject: other\r\nMessage-ID: <c@x>\r\n"
            + "In-Reply-To: \"Alice's message\" <a@x>")));
    assertEquals("THREAD (12 (11)(13))", cmd.response(found));
  }
}
