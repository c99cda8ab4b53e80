package org.mailhive.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples {@link Metrics} once per interval and prints one progress line: on a terminal it rewrites the line in
 * place, otherwise (CI, a file) it prints a new line, so logs stay readable.
 */
public final class Progress implements AutoCloseable {
  private final Metrics metrics;
  private final PrintStream out;
  private final ScheduledExecutorService timer;
  private final boolean terminal;

  public Progress(Metrics metrics, PrintStream out, long intervalMillis) {
    this.metrics = metrics;
    this.out = out;
    this.terminal = System.console() != null;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    TimelinePoint p = metrics.sample();
    String line = String.format(Locale.ROOT, "[%6.1f s] %9.1f/s  p99 %8.2f ms  done %9d  errors %6d",
        p.elapsedSeconds(), p.perSecond(), p.p99Ms(), metrics.completedTotal(), metrics.errorTotal());
    if (terminal) {
      out.print("\r" + line);
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Stops sampling and takes the final sample, so the totals include the last partial interval. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    metrics.sample();
    if (terminal) {
      out.println();
    }
  }
}
