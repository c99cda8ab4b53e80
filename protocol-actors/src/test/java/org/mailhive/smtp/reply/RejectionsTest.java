package org.mailhive.smtp.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mailhive.mailbox.MailboxProtocol.Reason;

class RejectionsTest {
  @ParameterizedTest
  @EnumSource(Reason.class)
  void everyReasonBecomesAReplyWithAnEnhancedStatusCode(Reason reason) {
    assertTrue(Rejections.atDelivery(reason).matches("[45]\\d\\d [45]\\.\\d\\.\\d .+"), reason.name());
  }

  @Test
  void overQuotaAtTheEndOfDataIsPermanentAsInTheConventionsTable() {
    assertEquals("552 5.2.2 Mailbox full", Rejections.atDelivery(Reason.OVER_QUOTA));
    assertEquals("552 5.3.4 Message size exceeds fixed limit", Rejections.atDelivery(Reason.LIMIT));
    assertEquals("451 4.3.0 Temporary failure, try again later", Rejections.atDelivery(Reason.TEMPORARY));
  }

  @Test
  void overQuotaFollowsThePolicyTemporaryByDefault() {
    assertEquals("452 4.2.2 Mailbox full", Rejections.overQuota(false));
    assertEquals("552 5.2.2 Mailbox full", Rejections.overQuota(true));
  }
}
