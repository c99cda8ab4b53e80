package org.mailhive.bench;

import org.HdrHistogram.Histogram;

/**
 * One row of the final table: how many times a command completed, how many failed, its throughput over the run,
 * and latency percentiles in milliseconds, all read from the HdrHistogram of recorded latencies (microseconds).
 */
public record CommandStats(String command, long count, long errors, double perSecond, double meanMs, double p50Ms,
                           double p90Ms, double p99Ms, double p999Ms, double maxMs) {

  /** {@code latencyMicros} holds successful completions only; {@code seconds} is the run's measured length. */
  public static CommandStats of(String command, Histogram latencyMicros, long errors, double seconds) {
    long count = latencyMicros.getTotalCount();
    return new CommandStats(command, count, errors, seconds > 0 ? count / seconds : 0,
        count == 0 ? 0 : latencyMicros.getMean() / 1000.0,
        percentileMs(latencyMicros, 50), percentileMs(latencyMicros, 90), percentileMs(latencyMicros, 99),
        percentileMs(latencyMicros, 99.9), count == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0);
  }

  private static double percentileMs(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
