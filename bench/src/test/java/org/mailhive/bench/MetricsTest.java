package org.mailhive.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class MetricsTest {
  /** HdrHistogram with 3 significant digits: every value within 0.1%. */
  private static final double PRECISION = 0.001;

  private static void assertClose(double expected, double actual) {
    assertEquals(expected, actual, Math.max(0.001, expected * PRECISION), () -> "expected ~" + expected);
  }

  @Test
  void percentilesAreComputedFromTheRecordedLatencies() {
    Metrics m = new Metrics();
    for (int ms = 1; ms <= 1000; ms++) {
      m.ok("FETCH", ms * 1_000_000L);
    }
    m.sample();
    CommandStats fetch = m.commandStats(10.0).get(0);
    assertEquals("FETCH", fetch.command());
    assertEquals(1000, fetch.count());
    assertEquals(100.0, fetch.perSecond(), 1e-9);
    assertClose(500, fetch.p50Ms());
    assertClose(900, fetch.p90Ms());
    assertClose(990, fetch.p99Ms());
    assertClose(999, fetch.p999Ms());
    assertClose(1000, fetch.maxMs());
    assertClose(500.5, fetch.meanMs());
  }

  @Test
  void theOverallRowMergesEveryCommandAndCountsEveryError() {
    Metrics m = new Metrics();
    for (int i = 0; i < 99; i++) {
      m.ok("NOOP", 1_000_000L); // 1 ms
    }
    m.ok("APPEND", 100_000_000L); // 100 ms
    m.failed("APPEND", "NO [OVERQUOTA]");
    m.failed("APPEND", "NO [OVERQUOTA]");
    m.failed("NOOP", "timeout");
    m.sample();
    CommandStats all = m.overall(1.0);
    assertEquals(100, all.count());
    assertEquals(3, all.errors());
    assertClose(1, all.p50Ms());
    assertClose(1, all.p99Ms());
    assertClose(100, all.p999Ms());
    assertEquals(Map.of("APPEND NO [OVERQUOTA]", 2L, "NOOP timeout", 1L), m.errorsByKind());
    List<CommandStats> rows = m.commandStats(1.0);
    assertEquals(List.of("APPEND", "NOOP"), rows.stream().map(CommandStats::command).toList());
    assertEquals(2, rows.get(0).errors());
    assertEquals(3, m.errorTotal());
  }

  @Test
  void samplingMovesEachIntervalIntoTheTotalsExactlyOnce() {
    Metrics m = new Metrics();
    m.ok("LOGIN", 2_000_000L);
    TimelinePoint first = m.sample();
    m.ok("LOGIN", 4_000_000L);
    m.ok("LOGIN", 4_000_000L);
    m.error("connect refused");
    TimelinePoint second = m.sample();
    TimelinePoint empty = m.sample();
    assertEquals(0, first.errors());
    assertClose(2, first.p99Ms());
    assertClose(4, second.p99Ms());
    assertEquals(1, second.errors());
    assertEquals(0, empty.errors());
    assertEquals(0, empty.p99Ms());
    assertEquals(3, m.completedTotal());
    assertEquals(3, m.timeline().size());
  }

  @Test
  void anEmptyHistogramGivesZeroesRatherThanGarbage() {
    CommandStats s = CommandStats.of("X", Metrics.newHistogram(), 5, 0);
    assertEquals(new CommandStats("X", 0, 5, 0, 0, 0, 0, 0, 0, 0), s);
  }

  @Test
  void statsOfAKnownHistogramMatchHandComputedFigures() {
    Histogram h = Metrics.newHistogram();
    h.recordValue(1000); // 1 ms
    h.recordValue(3000); // 3 ms
    CommandStats s = CommandStats.of("STORE", h, 0, 2.0);
    assertEquals(2, s.count());
    assertEquals(1.0, s.perSecond());
    assertClose(2.0, s.meanMs());
    assertClose(1.0, s.p50Ms());
    assertClose(3.0, s.p90Ms());
  }
}
