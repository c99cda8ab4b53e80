package org.mailhive.queue;

import java.time.Duration;

/**
 * When a deferred message is tried again: {@code initial} after the first failed attempt, doubling after each
 * further one, never more than {@code max} apart (Postfix's minimal_backoff_time/maximal_backoff_time), and not at
 * all once the message is older than {@code lifetime} (maximal_queue_lifetime): then it is bounced with 4.4.7.
 */
public record RetrySchedule(Duration initial, Duration max, Duration lifetime) {

  /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
  public Duration delayAfter(int attempts) {
    Duration d = initial;
    for (int i = 1; i < attempts && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** Whether a message queued at {@code queuedAt} (epoch ms) has outlived the queue at {@code now}. */
  public boolean expired(long queuedAt, long now) {
    return now - queuedAt >= lifetime.toMillis();
  }
}
