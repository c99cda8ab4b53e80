package org.mailhive.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private final RetrySchedule postfix =
      new RetrySchedule(Duration.ofSeconds(300), Duration.ofSeconds(4000), Duration.ofDays(5));

  @Test
  void theWaitDoublesAfterEachFailureUpToTheMaximum() {
    assertEquals(Duration.ofSeconds(300), postfix.delayAfter(1));
    assertEquals(Duration.ofSeconds(600), postfix.delayAfter(2));
    assertEquals(Duration.ofSeconds(1200), postfix.delayAfter(3));
    assertEquals(Duration.ofSeconds(2400), postfix.delayAfter(4));
    assertEquals(Duration.ofSeconds(4000), postfix.delayAfter(5));
    assertEquals(Duration.ofSeconds(4000), postfix.delayAfter(6));
  }

  @Test
  void aVeryLongRetryHistoryNeitherOverflowsNorExceedsTheMaximum() {
    assertEquals(Duration.ofSeconds(4000), postfix.delayAfter(10_000));
    assertEquals(Duration.ofSeconds(4000), postfix.delayAfter(Integer.MAX_VALUE));
  }

  @Test
  void aMessageExpiresExactlyAtTheQueueLifetime() {
    long queued = 1_700_000_000_000L;
    long fiveDays = Duration.ofDays(5).toMillis();
    assertFalse(postfix.expired(queued, queued + fiveDays - 1));
    assertTrue(postfix.expired(queued, queued + fiveDays));
  }
}
