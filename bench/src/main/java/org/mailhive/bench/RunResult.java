package org.mailhive.bench;

import java.util.List;
import java.util.Map;

/**
 * What one scenario run measured, as written to the JSON result file. {@code counts} holds the scenario's own
 * totals (for smtp: sent, accepted, rejected, failed and, when verified, delivered and lost).
 */
public record RunResult(String scenario, String target, Map<String, Object> parameters, String startedAt,
                        double seconds, CommandStats overall, List<CommandStats> commands,
                        Map<String, Long> errors, Map<String, Long> counts, List<TimelinePoint> timeline) {

  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }
}
