package org.mailhive.bench.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link ChaosEvent}s in time order on one thread while the load runs elsewhere. Each event starts at its time
 * after {@link #start()} (or at once, if the one before it overran) and is waited for, bounded by
 * {@code actionTimeout}; what happened is printed and kept for the report.
 */
public final class ChaosSchedule {
  private final List<ChaosEvent> events;
  private final Duration actionTimeout;
  private final PrintStream log;
  private final List<String> outcomes = new ArrayList<>();
  private Thread thread;
  private volatile boolean cancelled;

  public ChaosSchedule(List<ChaosEvent> events, Duration actionTimeout, PrintStream log) {
    this.events = events.stream().sorted(Comparator.comparing(ChaosEvent::at)).toList();
    this.actionTimeout = actionTimeout;
    this.log = log;
  }

  public void start() {
    long t0 = System.nanoTime();
    thread = new Thread(() -> {
      for (ChaosEvent e : events) {
        long waitMs = TimeUnit.NANOSECONDS.toMillis(t0 + e.at().toNanos() - System.nanoTime());
        try {
          if (waitMs > 0) {
            Thread.sleep(waitMs); // a schedule: the next event is due at a time, not on a signal
          }
        } catch (InterruptedException ie) {
          return;
        }
        if (cancelled) {
          return;
        }
        long started = System.nanoTime();
        String result = perform(e);
        String outcome = String.format("at %.1fs (took %.1fs) %s: %s", (started - t0) / 1e9,
            (System.nanoTime() - started) / 1e9, e, result);
        log.println("[chaos] " + outcome);
        synchronized (outcomes) {
          outcomes.add(outcome);
        }
      }
    }, "chaos-schedule");
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits for the remaining events (bounded); events not yet run when the wait ends are cancelled. */
  public List<String> finish(Duration wait) throws InterruptedException {
    if (thread != null) {
      thread.join(Math.max(1, wait.toMillis()));
      cancelled = true;
      thread.interrupt();
    }
    synchronized (outcomes) {
      return List.copyOf(outcomes);
    }
  }

  String perform(ChaosEvent e) {
    try {
      return switch (e.action()) {
        case KILL -> signal(e.target(), true);
        case TERM -> signal(e.target(), false);
        case RUN -> run(e.target());
      };
    } catch (Exception ex) {
      return "FAILED " + ex;
    }
  }

  private String signal(String target, boolean kill) throws Exception {
    long pid = pidOf(target);
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return "FAILED no live process " + pid;
    }
    // On Linux destroyForcibly is SIGKILL and destroy SIGTERM (ProcessHandle's documented mapping).
    boolean sent = kill ? handle.get().destroyForcibly() : handle.get().destroy();
    if (!sent) {
      return "FAILED could not signal " + pid;
    }
    try {
      handle.get().onExit().get(actionTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return (kill ? "killed " : "stopped ") + pid;
    } catch (java.util.concurrent.TimeoutException te) {
      return "FAILED " + pid + " still running after " + actionTimeout.toSeconds() + "s";
    }
  }

  static long pidOf(String target) throws IOException {
    String text = target.chars().allMatch(Character::isDigit) ? target
        : Files.readString(Path.of(target), StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException("no pid in " + target + ": '" + text + "'");
    }
  }

  private String run(String command) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          log.println("[chaos]   " + line);
        }
      } catch (IOException ignored) {
        // the command ended
      }
    }, "chaos-output");
    pump.setDaemon(true);
    pump.start();
    if (!p.waitFor(actionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return "FAILED command still running after " + actionTimeout.toSeconds() + "s";
    }
    return "exit " + p.exitValue();
  }
}
