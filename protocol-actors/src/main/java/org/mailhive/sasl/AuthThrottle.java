package org.mailhive.sasl;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;
import org.mailhive.config.MailhiveSettings.ThrottleLimits;
import org.mailhive.config.MailhiveSettings.ThrottleSettings;

/**
 * The counting of failed logins per client IP and per login, the role fail2ban and Dovecot's auth penalty play in
 * the setups we replace: after {@code delay-after} failures every further attempt is answered only after a delay
 * that grows with each failure; after {@code block-after} failures every attempt is refused, even with the right
 * password, until {@code block-for} has passed. A failure is forgotten after {@code forget-after} without another.
 * Pure bookkeeping with an injectable clock (milliseconds), so tests need not wait; {@link Authenticator} applies it.
 */
public final class AuthThrottle {
  /** What to do with the next attempt: refuse it at once ({@code blocked}), or answer it after {@code delay}. */
  public record Verdict(boolean blocked, Duration delay) {
    static final Verdict GO = new Verdict(false, Duration.ZERO);
  }

  private static final class Counter {
    int failures;
    long lastFailure;
    long blockedUntil;
  }

  private final ThrottleSettings settings;
  private final LongSupplier clock;
  private final Map<String, Counter> ips = new HashMap<>();
  private final Map<String, Counter> users = new HashMap<>();

  public AuthThrottle(ThrottleSettings settings, LongSupplier clockMillis) {
    this.settings = settings;
    this.clock = clockMillis;
  }

  /** The verdict for an attempt from this IP for this (canonical) login, before its password is checked. */
  public synchronized Verdict check(String ip, String login) {
    if (!settings.enabled()) {
      return Verdict.GO;
    }
    long now = clock.getAsLong();
    Counter byIp = current(ips, ip, now);
    Counter byUser = current(users, login, now);
    if (blocked(byIp, now) || blocked(byUser, now)) {
      return new Verdict(true, Duration.ZERO);
    }
    Duration d = delay(byIp, settings.perIp());
    Duration u = delay(byUser, settings.perUser());
    return new Verdict(false, d.compareTo(u) >= 0 ? d : u);
  }

  /** Counts a failure for both; returns the IP's failures so far (the log's {@code attempts}). */
  public synchronized int failed(String ip, String login) {
    if (!settings.enabled()) {
      return 0;
    }
    long now = clock.getAsLong();
    int n = count(ips, ip, now, settings.perIp());
    count(users, login, now, settings.perUser());
    return n;
  }

  /** A successful login clears its login's count (not the IP's: many users may share one address). */
  public synchronized void succeeded(String login) {
    Counter c = users.get(login);
    if (c != null && c.blockedUntil <= clock.getAsLong()) {
      users.remove(login);
    }
  }

  /** Failures currently counted for an IP (0 when none or forgotten); for tests and the admin's eyes. */
  public synchronized int failuresOfIp(String ip) {
    Counter c = current(ips, ip, clock.getAsLong());
    return c == null ? 0 : c.failures;
  }

  private int count(Map<String, Counter> map, String key, long now, ThrottleLimits limits) {
    Counter c = current(map, key, now);
    if (c == null) {
      if (map.size() >= settings.maxTracked()) {
        evict(map, now);
      }
      c = new Counter();
      map.put(key, c);
    }
    c.failures++;
    c.lastFailure = now;
    if (limits.blockAfter() > 0 && c.failures >= limits.blockAfter()) {
      c.blockedUntil = now + limits.blockFor().toMillis();
    }
    return c.failures;
  }

  /** The counter for a key, after dropping it if it has expired: forgotten, or its block is over (a fresh start). */
  private Counter current(Map<String, Counter> map, String key, long now) {
    Counter c = map.get(key);
    if (c != null && expired(c, now)) {
      map.remove(key);
      return null;
    }
    return c;
  }

  private boolean expired(Counter c, long now) {
    if (c.blockedUntil > 0) {
      return c.blockedUntil <= now;
    }
    return now - c.lastFailure >= settings.forgetAfter().toMillis();
  }

  private static boolean blocked(Counter c, long now) {
    return c != null && c.blockedUntil > now;
  }

  private Duration delay(Counter c, ThrottleLimits limits) {
    if (c == null || c.failures < limits.delayAfter()) {
      return Duration.ZERO;
    }
    long ms = settings.firstDelay().toMillis();
    long max = settings.maxDelay().toMillis();
    for (int i = limits.delayAfter(); i < c.failures && ms < max; i++) {
      ms *= settings.delayFactor();
    }
    return Duration.ofMillis(Math.min(ms, max));
  }

  /** Drops what has expired; if the map is still full, the entries whose last failure is oldest. */
  private void evict(Map<String, Counter> map, long now) {
    map.values().removeIf(c -> expired(c, now));
    while (map.size() >= settings.maxTracked()) {
      String oldest = null;
      long when = Long.MAX_VALUE;
      for (Iterator<Map.Entry<String, Counter>> it = map.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Counter> e = it.next();
        if (e.getValue().lastFailure < when) {
          when = e.getValue().lastFailure;
          oldest = e.getKey();
        }
      }
      map.remove(oldest);
    }
  }
}
