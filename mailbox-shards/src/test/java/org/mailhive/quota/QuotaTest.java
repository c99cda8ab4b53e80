package org.mailhive.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuotaTest {
  private static final Quota TEN_KIB_AND_TEN_MESSAGES = new Quota(10 * 1024, 10);

  @Test
  void aMessageFitsUpToTheLastOctetAndTheLastMessage() {
    Usage u = new Usage(10 * 1024 - 100, 9);
    assertTrue(TEN_KIB_AND_TEN_MESSAGES.admits(u, 100, 1));
    assertFalse(TEN_KIB_AND_TEN_MESSAGES.admits(u, 101, 1));
    assertFalse(TEN_KIB_AND_TEN_MESSAGES.admits(u.plus(0, 1), 1, 1), "the 11th message");
  }

  @Test
  void anExactlyFullMailboxTakesNothingEvenOfUnknownSize() {
    assertFalse(TEN_KIB_AND_TEN_MESSAGES.admits(new Usage(10 * 1024, 3), 0, 1));
    assertTrue(TEN_KIB_AND_TEN_MESSAGES.admits(new Usage(10 * 1024 - 1, 3), 0, 1));
  }

  @Test
  void aCopyOfSeveralMessagesMustFitAsAWhole() {
    assertTrue(TEN_KIB_AND_TEN_MESSAGES.admits(new Usage(0, 5), 3000, 5));
    assertFalse(TEN_KIB_AND_TEN_MESSAGES.admits(new Usage(0, 5), 3000, 6));
  }

  @Test
  void zeroMeansNoLimitOnThatResource() {
    Quota messagesOnly = new Quota(0, 2);
    assertTrue(messagesOnly.admits(new Usage(Long.MAX_VALUE / 2, 1), 1_000_000, 1));
    assertFalse(messagesOnly.admits(new Usage(0, 2), 1, 1));
    assertFalse(Quota.UNLIMITED.limited());
    assertTrue(Quota.UNLIMITED.admits(new Usage(1L << 40, 1L << 30), 1L << 30, 1));
  }

  @Test
  void theWarningLevelIsReachedByEitherResource() {
    assertFalse(TEN_KIB_AND_TEN_MESSAGES.atWarningLevel(new Usage(9 * 1024 - 1, 8), 90));
    assertTrue(TEN_KIB_AND_TEN_MESSAGES.atWarningLevel(new Usage(9216, 0), 90), "exactly 90% of the storage");
    assertFalse(TEN_KIB_AND_TEN_MESSAGES.atWarningLevel(new Usage(9215, 0), 90));
    assertTrue(TEN_KIB_AND_TEN_MESSAGES.atWarningLevel(new Usage(0, 9), 90), "9 of 10 messages");
    assertFalse(Quota.UNLIMITED.atWarningLevel(new Usage(1L << 40, 1L << 30), 90));
  }

  @Test
  void storageIsReportedInKibUsageRoundedUpAndTheLimitDown() {
    assertEquals(0, Usage.NONE.storageKib());
    assertEquals(1, new Usage(1, 1).storageKib());
    assertEquals(1, new Usage(1024, 1).storageKib());
    assertEquals(2, new Usage(1025, 1).storageKib());
    assertEquals(1, new Quota(2047, 0).storageKib());
  }

  @Test
  void theWarningMessageIsFromThePostmasterOfTheUsersDomainAndStatesTheNumbers() {
    String text = QuotaWarningMessage.of("alice@example.org", TEN_KIB_AND_TEN_MESSAGES, new Usage(9216, 4), 90,
        "mx.example.org", java.time.ZonedDateTime.parse("2026-11-25T20:00:00Z")).utf8String();
    assertTrue(text.startsWith("From: Postmaster <postmaster@example.org>\r\nTo: <alice@example.org>\r\n"
        + "Subject: Your mailbox is 90% full\r\n"), text);
    assertTrue(text.contains("Storage:  9216 of 10240 bytes used (90%)\r\n"), text);
    assertTrue(text.contains("Messages: 4 of 10 used (40%)\r\n"), text);
    assertTrue(text.contains("\r\nAuto-Submitted: auto-generated\r\n"), text);
  }
}
