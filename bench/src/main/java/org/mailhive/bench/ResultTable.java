package org.mailhive.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The human-readable end of a run: per-command throughput and latency percentiles, errors by kind, counts. */
public final class ResultTable {
  private ResultTable() {}

  public static void print(RunResult r, PrintStream out) {
    out.printf(Locale.ROOT, "%n%s against %s: %.1f s%n", r.scenario(), r.target(), r.seconds());
    out.printf(Locale.ROOT, "%-16s %10s %8s %10s %9s %9s %9s %9s %9s%n",
        "command", "count", "errors", "per s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
    for (CommandStats c : r.commands()) {
      row(c, out);
    }
    row(r.overall(), out);
    if (!r.errors().isEmpty()) {
      out.println("errors by kind:");
      for (Map.Entry<String, Long> e : r.errors().entrySet()) {
        out.printf(Locale.ROOT, "  %-40s %d%n", e.getKey(), e.getValue());
      }
    }
    if (!r.counts().isEmpty()) {
      StringBuilder sb = new StringBuilder("counts:");
      r.counts().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
      out.println(sb);
    }
  }

  private static void row(CommandStats c, PrintStream out) {
    out.printf(Locale.ROOT, "%-16s %10d %8d %10.1f %9.2f %9.2f %9.2f %9.2f %9.2f%n", c.command(), c.count(),
        c.errors(), c.perSecond(), c.p50Ms(), c.p90Ms(), c.p99Ms(), c.p999Ms(), c.maxMs());
  }
}
