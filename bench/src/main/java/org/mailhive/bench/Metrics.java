package org.mailhive.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Everything a run measures. Client callbacks call {@link #ok} and {@link #failed} from any thread without locks
 * (HdrHistogram {@link Recorder}s and {@link LongAdder}s); the sampler calls {@link #sample} once per interval,
 * which moves interval histograms into the per-command totals and appends a {@link TimelinePoint}.
 */
public final class Metrics {
  /** Latencies above an hour are clamped: a command that slow has failed by any measure. */
  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
  /** Three significant digits: 0.1% error on every percentile, as wrk2 and imaptest-style reports use. */
  static final int SIGNIFICANT_DIGITS = 3;

  private final Map<String, Command> commands = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final LongAdder errorTotal = new LongAdder();
  private final List<TimelinePoint> timeline = new ArrayList<>();
  private final long startNanos;
  private long lastSampleNanos;
  private long errorsAtLastSample;

  public Metrics() {
    startNanos = System.nanoTime();
    lastSampleNanos = startNanos;
  }

  /** A command completed successfully after {@code nanos}. */
  public void ok(String command, long nanos) {
    long micros = Math.min(HIGHEST_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos)));
    command(command).recorder.recordValue(micros);
  }

  /** A command failed; {@code kind} says how (e.g. "NO [OVERQUOTA]", "5xx", "timeout"). */
  public void failed(String command, String kind) {
    command(command).errors.increment();
    error(command + " " + kind);
  }

  /** An error not tied to one command's reply. */
  public void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    errorTotal.increment();
  }

  /** Named totals a scenario reports (sent, accepted, rejected, …). */
  public void count(String name) {
    counters.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  public long counter(String name) {
    LongAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  private Command command(String name) {
    return commands.computeIfAbsent(name, k -> new Command());
  }

  /** Closes the current interval; call from one thread (the sampler), and once more at the end. */
  public synchronized TimelinePoint sample() {
    long now = System.nanoTime();
    double intervalSeconds = Math.max(1e-9, (now - lastSampleNanos) / 1e9);
    Histogram merged = newHistogram();
    for (Command c : commands.values()) {
      Histogram interval = c.recorder.getIntervalHistogram();
      c.total.add(interval);
      merged.add(interval);
    }
    long errorsNow = errorTotal.sum();
    TimelinePoint point = new TimelinePoint((now - startNanos) / 1e9, merged.getTotalCount() / intervalSeconds,
        merged.getTotalCount() == 0 ? 0 : merged.getValueAtPercentile(99) / 1000.0, errorsNow - errorsAtLastSample);
    errorsAtLastSample = errorsNow;
    lastSampleNanos = now;
    timeline.add(point);
    return point;
  }

  public synchronized List<TimelinePoint> timeline() {
    return List.copyOf(timeline);
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  public long errorTotal() {
    return errorTotal.sum();
  }

  public synchronized long completedTotal() {
    long n = 0;
    for (Command c : commands.values()) {
      n += c.total.getTotalCount();
    }
    return n;
  }

  /** Per-command rows sorted by name, over what has been sampled so far. */
  public synchronized List<CommandStats> commandStats(double seconds) {
    List<CommandStats> rows = new ArrayList<>();
    new TreeMap<>(commands).forEach((name, c) -> rows.add(CommandStats.of(name, c.total, c.errors.sum(), seconds)));
    return rows;
  }

  /** All commands together, as one row named "ALL". */
  public synchronized CommandStats overall(double seconds) {
    Histogram merged = newHistogram();
    long errs = 0;
    for (Command c : commands.values()) {
      merged.add(c.total);
      errs += c.errors.sum();
    }
    return CommandStats.of("ALL", merged, errs, seconds);
  }

  public Map<String, Long> errorsByKind() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  static Histogram newHistogram() {
    return new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
  }

  private static final class Command {
    final Recorder recorder = new Recorder(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    final Histogram total = newHistogram();
    final LongAdder errors = new LongAdder();
  }
}
