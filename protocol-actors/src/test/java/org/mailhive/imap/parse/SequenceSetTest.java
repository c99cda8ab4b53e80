package org.mailhive.imap.parse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SequenceSetTest {

  @ParameterizedTest
  @ValueSource(strings = {"0", "1:", ":1", "a", "1,,2", "4294967296", "", ",1", "1,", "1:0", "01", "*:", "1 2",
      "1:2:3", "-1", "99999999999999999999"})
  void rejectsBadSequenceSets(String text) {
    assertThrows(ImapParseException.class, () -> SequenceSet.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "*", "1,3:5,7:*", "5:2", "*:4", "4294967295", "2,1:3"})
  void roundTripsThroughToString(String text) throws ImapParseException {
    SequenceSet set = SequenceSet.parse(text);
    assertEquals(text, set.toString());
    assertEquals(set, SequenceSet.parse(set.toString()));
  }

  @Test
  void containsTheRfcExampleMembers() throws ImapParseException {
    // RFC 3501 §9: "2,4:7,9,12:*" is 2,4,5,6,7,9,12,13,14,15 for a mailbox with 15 messages.
    SequenceSet set = SequenceSet.parse("2,4:7,9,12:*");
    assertArrayEquals(new long[] {2, 4, 5, 6, 7, 9, 12, 13, 14, 15}, set.members(15).toArray());
    assertTrue(set.contains(15, 15));
    assertFalse(set.contains(8, 15));
    assertFalse(set.contains(16, 15));
    assertFalse(set.contains(0, 15));
  }

  @Test
  void treatsAReversedRangeAsAscending() throws ImapParseException {
    assertArrayEquals(new long[] {2, 3, 4, 5}, SequenceSet.parse("5:2").members(10).toArray());
    // RFC 3501 §9: "*:4" with 15 messages is 4:15.
    assertArrayEquals(new long[] {13, 14, 15}, SequenceSet.parse("*:13").members(15).toArray());
  }

  @Test
  void reportsEachMemberOnceInAscendingOrder() throws ImapParseException {
    assertArrayEquals(new long[] {1, 2, 3, 4, 8}, SequenceSet.parse("8,3:1,2:4,4").members(10).toArray());
  }

  @Test
  void resolvesStarToTheLargestNumber() throws ImapParseException {
    // RFC 3501 §6.4.8: 5:* includes the largest UID even when it is below 5.
    assertArrayEquals(new long[] {3}, SequenceSet.parse("5:*").members(3).toArray());
    assertFalse(SequenceSet.parse("5:*").isEmptyFor(3));
    assertTrue(SequenceSet.parse("*").isEmptyFor(0));
    assertEquals(0, SequenceSet.parse("*").members(0).count());
    assertTrue(SequenceSet.parse("5:7").isEmptyFor(3));
    assertEquals(0, SequenceSet.parse("5:7").members(3).count());
  }

  @Test
  void coversTheWholeThirtyTwoBitRangeLazily() throws ImapParseException {
    SequenceSet all = SequenceSet.parse("1:*");
    assertTrue(all.contains(4294967295L, 4294967295L));
    assertEquals(3, all.members(4294967295L).limit(3).count());
  }

  @Test
  void dollarIsTheSavedResultAndHoldsUidsEvenWhenEmpty() throws ImapParseException {
    ImapArgs args = new ImapArgs(org.apache.pekko.util.ByteString.fromString("$"), new ImapLimits(100, 100, 4));
    SequenceSet empty = args.sequenceSet();
    assertTrue(empty.isSavedResult());
    assertEquals("$", empty.toString());
    assertEquals(0, empty.members(10).count(), "RFC 5182 §2.1: $ before any SAVE is the empty set");
    SequenceSet saved = SequenceSet.savedResult(java.util.List.of(3L, 9L));
    assertTrue(saved.contains(9, 9));
    assertFalse(saved.contains(4, 9));
    assertFalse(SequenceSet.parse("3,9").isSavedResult());
  }
}
