package org.mailhive.bench.chaos;

import java.time.Duration;
import java.util.Locale;
import org.mailhive.bench.DurationConverter;

/**
 * One scheduled disturbance, written {@code AT:ACTION:TARGET} on the command line:
 * <ul>
 *   <li>{@code 20s:kill:data/node2/node.pid} — SIGKILL the process whose pid is in the file (or a pid given
 *       directly), as a crash or {@code kill -9} would;</li>
 *   <li>{@code 20s:term:data/node2/node.pid} — SIGTERM it and wait for it to exit (a graceful stop);</li>
 *   <li>{@code 30s:run:scripts/local-cluster start} — run a shell command and wait for it (restarts, or
 *       anything else, e.g. {@code kill -STOP}).</li>
 * </ul>
 * {@code AT} is the time since the load started.
 */
public record ChaosEvent(Duration at, Action action, String target) {
  public enum Action { KILL, TERM, RUN }

  public ChaosEvent {
    if (at.isNegative() || target.isBlank()) {
      throw new IllegalArgumentException("a time >= 0 and a target");
    }
  }

  public static ChaosEvent parse(String spec) {
    String[] parts = spec.split(":", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("expected AT:kill|term|run:TARGET, got " + spec);
    }
    Action action;
    try {
      action = Action.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown action '" + parts[1] + "' in " + spec + " (kill, term or run)");
    }
    return new ChaosEvent(new DurationConverter().convert(parts[0].trim()), action, parts[2].trim());
  }

  @Override
  public String toString() {
    return at.toMillis() / 1000.0 + "s " + action.name().toLowerCase(Locale.ROOT) + " " + target;
  }
}
