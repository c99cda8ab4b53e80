package org.mailhive.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mailhive.config.MailhiveSettings.ThrottleLimits;
import org.mailhive.config.MailhiveSettings.ThrottleSettings;

class AuthThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  /** Delays after 3 failures (1 s, doubling, at most 8 s); IP blocked after 10 for 15 min; login after 30 for 5 min. */
  private AuthThrottle throttle(int maxTracked) {
    return new AuthThrottle(new ThrottleSettings(true, Duration.ofMinutes(15), Duration.ofSeconds(1), 2,
        Duration.ofSeconds(8), new ThrottleLimits(3, 10, Duration.ofMinutes(15)),
        new ThrottleLimits(3, 30, Duration.ofMinutes(5)), maxTracked), now::get);
  }

  @Test
  void delaysNothingBeforeTheThirdFailureThenDoublesUpToTheMaximum() {
    AuthThrottle t = throttle(1000);
    long[] expected = {0, 0, 0, 1000, 2000, 4000, 8000, 8000, 8000, 8000};
    for (int i = 0; i < expected.length; i++) {
      AuthThrottle.Verdict v = t.check("10.0.0.1", "u" + i + "@x");
      assertFalse(v.blocked(), "attempt " + (i + 1));
      assertEquals(Duration.ofMillis(expected[i]), v.delay(), "delay before attempt " + (i + 1));
      t.failed("10.0.0.1", "u" + i + "@x");
    }
  }

  @Test
  void blocksTheIpAfterTenFailuresForEveryLoginUntilTheBlockIsOver() {
    AuthThrottle t = throttle(1000);
    for (int i = 0; i < 10; i++) {
      t.failed("10.0.0.1", "alice@x");
    }
    assertTrue(t.check("10.0.0.1", "bob@x").blocked(), "another login from the blocked IP");
    assertFalse(t.check("10.0.0.2", "bob@x").blocked(), "another IP");
    now.addAndGet(Duration.ofMinutes(15).toMillis() - 1);
    assertTrue(t.check("10.0.0.1", "bob@x").blocked(), "still blocked a millisecond before the end");
    now.addAndGet(1);
    AuthThrottle.Verdict after = t.check("10.0.0.1", "bob@x");
    assertFalse(after.blocked());
    assertEquals(Duration.ZERO, after.delay(), "a block that is over starts afresh");
    assertEquals(0, t.failuresOfIp("10.0.0.1"));
  }

  @Test
  void delaysALoginGuessedFromManyAddressesAndBlocksItAfterItsOwnThreshold() {
    AuthThrottle t = throttle(1000);
    for (int i = 0; i < 29; i++) {
      t.failed("10.0.1." + i, "alice@x");
    }
    AuthThrottle.Verdict v = t.check("10.0.2.1", "alice@x");
    assertFalse(v.blocked());
    assertEquals(Duration.ofSeconds(8), v.delay(), "the login's failures delay a fresh IP too");
    t.failed("10.0.1.99", "alice@x");
    assertTrue(t.check("10.0.2.1", "alice@x").blocked());
    assertFalse(t.check("10.0.2.1", "bob@x").blocked(), "other logins from that IP are not affected");
  }

  @Test
  void forgetsFailuresAfterTheQuietPeriod() {
    AuthThrottle t = throttle(1000);
    for (int i = 0; i < 9; i++) {
      t.failed("10.0.0.1", "alice@x");
    }
    now.addAndGet(Duration.ofMinutes(15).toMillis());
    assertEquals(0, t.failuresOfIp("10.0.0.1"));
    t.failed("10.0.0.1", "alice@x");
    assertFalse(t.check("10.0.0.1", "alice@x").blocked(), "nine forgotten failures plus one are not ten");
  }

  @Test
  void aSuccessfulLoginClearsTheLoginsCountButNotTheIps() {
    AuthThrottle t = throttle(1000);
    for (int i = 0; i < 5; i++) {
      t.failed("10.0.0.1", "alice@x");
    }
    t.succeeded("alice@x");
    assertEquals(Duration.ZERO, t.check("10.0.0.2", "alice@x").delay());
    assertEquals(Duration.ofSeconds(4), t.check("10.0.0.1", "bob@x").delay());
  }

  @Test
  void remembersAtMostMaxTrackedAddressesForgettingTheOldestFirst() {
    AuthThrottle t = throttle(100);
    for (int i = 0; i < 3; i++) {
      t.failed("10.0.0.1", "a@x");
    }
    for (int i = 0; i < 150; i++) {
      now.incrementAndGet();
      t.failed("10.1.0." + i, "a" + i + "@x");
    }
    assertEquals(0, t.failuresOfIp("10.0.0.1"), "the oldest was dropped");
    assertEquals(1, t.failuresOfIp("10.1.0.149"));
  }

  @Test
  void countsNothingWhenDisabled() {
    AuthThrottle t = new AuthThrottle(new ThrottleSettings(false, Duration.ofMinutes(15), Duration.ofSeconds(1), 2,
        Duration.ofSeconds(8), new ThrottleLimits(3, 10, Duration.ofMinutes(15)),
        new ThrottleLimits(3, 30, Duration.ofMinutes(5)), 100), now::get);
    for (int i = 0; i < 20; i++) {
      t.failed("10.0.0.1", "a@x");
    }
    assertEquals(new AuthThrottle.Verdict(false, Duration.ZERO), t.check("10.0.0.1", "a@x"));
  }
}
