package org.mailhive.smtp.session;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailhive.delivery.Delivery;
import org.mailhive.mailbox.MailboxProtocol;

class ListAnswerTest {
  private static final Delivery.Outcome STORED = new Delivery.Outcome(new MailboxProtocol.Appended(1, 1), null);
  private static final Delivery.Outcome FULL = new Delivery.Outcome(Delivery.OVER_QUOTA, null);
  private static final Delivery.Outcome FAILED = new Delivery.Outcome(null, new RuntimeException("timeout"));

  @Test
  void aListMemberOverQuotaDoesNotFailTheListsRecipient() {
    assertSame(STORED, MailTransactionSession.answerFor(List.of(FULL, STORED)));
  }

  @Test
  void aListWhoseEveryMemberIsFullIsAnsweredOverQuota() {
    assertSame(FULL, MailTransactionSession.answerFor(List.of(FULL, FULL)));
  }

  @Test
  void anyOtherFailureOfAMemberStillFailsTheList() {
    assertSame(FAILED, MailTransactionSession.answerFor(List.of(FULL, STORED, FAILED)));
  }

  @Test
  void aSingleUserOverQuotaIsAnsweredOverQuota() {
    assertSame(FULL, MailTransactionSession.answerFor(List.of(FULL)));
  }
}
