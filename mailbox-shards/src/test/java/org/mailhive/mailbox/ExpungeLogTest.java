package org.mailhive.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpungeLogTest {

  @Test
  void keepsEachExpungeAsRangesAndAnswersTheUnionAfterAModSeq() {
    ExpungeLog log = new ExpungeLog();
    log.record(5, List.of(3L, 1L, 2L, 7L));
    log.record(9, List.of(4L));
    log.record(12, List.of(10L, 11L));
    assertEquals("1:4,7,10:11", log.since(0).text());
    assertEquals("1:4,7,10:11", log.since(4).text());
    assertEquals("4,10:11", log.since(5).text());
    assertEquals("10:11", log.since(9).text());
    assertEquals("", log.since(12).text());
    assertTrue(log.knowsSince(0));
  }

  @Test
  void forgetsTheOldestExpungesBeyondTheRangeLimitAndSaysUpToWhichModSeq() {
    ExpungeLog log = new ExpungeLog(3);
    log.record(2, List.of(1L, 3L));
    log.record(4, List.of(5L));
    assertTrue(log.knowsSince(0));
    log.record(6, List.of(7L, 9L));
    assertEquals(2, log.forgottenThrough(), "the oldest expunge went to make room");
    assertFalse(log.knowsSince(1));
    assertTrue(log.knowsSince(2));
    assertEquals("5,7,9", log.since(2).text());
    log.record(8, List.of(11L, 13L, 15L));
    assertEquals(6, log.forgottenThrough(), "as many of the oldest as it takes");
    assertEquals("11,13,15", log.since(6).text());
  }

  @Test
  void aStateThatForgotOldExpungesAnswersEveryMissingUidBelowUidNext() {
    MailboxState state = new MailboxState();
    state.apply(new MailboxEvent.MailboxCreated(1));
    for (long uid = 1; uid <= 6; uid++) {
      state.apply(new MailboxEvent.MessageAppended("r" + uid, new MessageMeta(uid, uid, List.of(), 1, 0, "b", "", "", "")));
    }
    state.apply(new MailboxEvent.MessagesExpunged(List.of(2L, 6L), 7));
    assertEquals("2,6", state.vanishedSince(0).text());
    for (int i = 0; i < ExpungeLog.MAX_RANGES; i++) {
      state.apply(new MailboxEvent.MessagesExpunged(List.of(100L + 2 * i), 8 + i));
    }
    // The expunge at 7 is forgotten: the answer for 0 becomes the superset of every UID below UIDNEXT that is gone.
    assertEquals("2,6", state.vanishedSince(0).text());
    assertEquals("", state.vanishedSince(7 + ExpungeLog.MAX_RANGES).text());
  }
}
