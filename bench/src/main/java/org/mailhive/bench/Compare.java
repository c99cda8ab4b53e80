package org.mailhive.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mailhive.bench.scenario.ImapScenario;
import org.mailhive.bench.scenario.SmtpScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The same scenario against two targets in turn, A B A B …, for R rounds. Alternating spreads a noisy machine's
 * drift over both targets; the report gives each figure's median per target and the A/B ratio of every round, so
 * a reader sees whether the ratio is stable rather than trusting one pair of runs.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Run one scenario against targets A and B alternately for several rounds; medians and A/B ratios.")
final class Compare implements Callable<Integer> {
  @Mixin Main.Common common;
  @Mixin Main.SmtpOptions smtp;
  @Mixin Main.ImapOptions imap;
  @Option(names = "--scenario", required = true, description = "smtp or imap") String scenario;
  @Option(names = "--rounds", defaultValue = "3") int rounds;
  @Option(names = "--a", required = true, description = "Target A as HOST:SMTP_PORT:IMAP_PORT") String a;
  @Option(names = "--b", required = true, description = "Target B as HOST:SMTP_PORT:IMAP_PORT") String b;
  @Option(names = "--a-name", defaultValue = "A") String aName;
  @Option(names = "--b-name", defaultValue = "B") String bName;
  @Option(names = "--a-users-file") Path aUsersFile;
  @Option(names = "--b-users-file") Path bUsersFile;
  @Option(names = "--a-password-file") Path aPasswordFile;
  @Option(names = "--b-password-file") Path bPasswordFile;

  /** The figures compared: throughput of all commands, and their median and p99 latency. */
  static final List<String> FIGURES = List.of("per second", "p50 ms", "p99 ms");

  public record Round(int round, Map<String, Double> a, Map<String, Double> b, Map<String, Double> ratio,
                      Map<String, Long> aCounts, Map<String, Long> bCounts) {}

  public record CompareResult(String scenario, String a, String b, List<Round> rounds, Map<String, Double> medianA,
                              Map<String, Double> medianB, Map<String, Double> medianRatio) {}

  @Override
  public Integer call() throws Exception {
    if (!scenario.equals("smtp") && !scenario.equals("imap")) {
      throw new IllegalArgumentException("--scenario must be smtp or imap");
    }
    PrintStream out = System.out;
    List<Round> done = new ArrayList<>();
    long lost = 0;
    for (int round = 1; round <= rounds; round++) {
      RunResult ra = runOnce(a, aName, round, aPasswordFile, aUsersFile);
      RunResult rb = runOnce(b, bName, round, bPasswordFile, bUsersFile);
      lost += ra.count("lost") + rb.count("lost");
      Map<String, Double> fa = figures(ra);
      Map<String, Double> fb = figures(rb);
      done.add(new Round(round, fa, fb, ratios(fa, fb), ra.counts(), rb.counts()));
    }
    CompareResult result = summarize(scenario, aName + " " + a, bName + " " + b, done);
    print(result, out);
    ResultFiles.writeJson(result, common.out);
    out.println("result: " + common.out);
    return lost > 0 ? Main.EXIT_LOST : 0;
  }

  private RunResult runOnce(String target, String name, int round, Path passwordFile, Path usersFile)
      throws Exception {
    String[] t = target.split(":");
    if (t.length != 3) {
      throw new IllegalArgumentException("target '" + target + "': expected HOST:SMTP_PORT:IMAP_PORT");
    }
    String host = t[0];
    List<Credentials> users = common.credentials(passwordFile, usersFile);
    System.err.printf(Locale.ROOT, "round %d: %s (%s)%n", round, name, target);
    RunResult r;
    if (scenario.equals("smtp")) {
      smtp.smtpPort = Integer.parseInt(t[1]);
      r = SmtpScenario.run(Main.smtpSettings(host, smtp, Integer.parseInt(t[2]), users, common), System.err);
    } else {
      imap.imapPort = Integer.parseInt(t[2]);
      r = ImapScenario.run(Main.imapSettings(host, imap, users, common), System.err);
    }
    ResultTable.print(r, System.err);
    Path json = common.out.resolveSibling(stem(common.out) + "-" + name + "-" + round + ".json");
    ResultFiles.writeJson(r, json);
    ResultFiles.writeChart(r, json.resolveSibling(stem(json) + ".png"));
    return r;
  }

  private static String stem(Path p) {
    return p.getFileName().toString().replaceFirst("\\.json$", "");
  }

  static Map<String, Double> figures(RunResult r) {
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("per second", r.overall().perSecond());
    f.put("p50 ms", r.overall().p50Ms());
    f.put("p99 ms", r.overall().p99Ms());
    return f;
  }

  static Map<String, Double> ratios(Map<String, Double> a, Map<String, Double> b) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String k : FIGURES) {
      double bv = b.getOrDefault(k, 0.0);
      out.put(k, bv == 0 ? Double.NaN : a.getOrDefault(k, 0.0) / bv);
    }
    return out;
  }

  static CompareResult summarize(String scenario, String a, String b, List<Round> rounds) {
    Map<String, Double> ma = new LinkedHashMap<>();
    Map<String, Double> mb = new LinkedHashMap<>();
    Map<String, Double> mr = new LinkedHashMap<>();
    for (String k : FIGURES) {
      ma.put(k, median(rounds.stream().mapToDouble(r -> r.a().get(k)).toArray()));
      mb.put(k, median(rounds.stream().mapToDouble(r -> r.b().get(k)).toArray()));
      mr.put(k, median(rounds.stream().mapToDouble(r -> r.ratio().get(k)).toArray()));
    }
    return new CompareResult(scenario, a, b, rounds, ma, mb, mr);
  }

  /** The middle value; the mean of the two middle ones for an even count. NaN for none. */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  static void print(CompareResult r, PrintStream out) {
    out.printf(Locale.ROOT, "%n%s: A = %s, B = %s%n", r.scenario(), r.a(), r.b());
    out.printf(Locale.ROOT, "%-6s", "round");
    for (String k : FIGURES) {
      out.printf(Locale.ROOT, " %12s %12s %8s", "A " + k, "B " + k, "A/B");
    }
    out.println();
    for (Round round : r.rounds()) {
      out.printf(Locale.ROOT, "%-6d", round.round());
      for (String k : FIGURES) {
        out.printf(Locale.ROOT, " %12.2f %12.2f %8.3f", round.a().get(k), round.b().get(k), round.ratio().get(k));
      }
      out.println();
    }
    out.printf(Locale.ROOT, "%-6s", "median");
    for (String k : FIGURES) {
      out.printf(Locale.ROOT, " %12.2f %12.2f %8.3f", r.medianA().get(k), r.medianB().get(k), r.medianRatio().get(k));
    }
    out.println();
  }
}
