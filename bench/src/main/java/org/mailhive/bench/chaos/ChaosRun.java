package org.mailhive.bench.chaos;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.mailhive.bench.RunResult;
import org.mailhive.bench.scenario.IoRuntime;
import org.mailhive.bench.scenario.SmtpScenario;

/**
 * The {@code chaos} mode: the smtp scenario runs (spread over the given nodes) while a {@link ChaosSchedule} kills,
 * stops and restarts nodes; then a {@link MessageIdAudit} reads every user's INBOX and reports each acknowledged
 * message lost or duplicated, next to the scenario's own failed and rejected counts.
 */
public final class ChaosRun {
  private ChaosRun() {}

  public record Settings(SmtpScenario.Settings load, List<ChaosEvent> events, Duration actionTimeout,
                         InetSocketAddress auditImap, Duration auditDeadline) {}

  public static RunResult run(Settings s, PrintStream progressOut) throws Exception {
    int users = s.load().users().size();
    List<Set<Long>> acknowledged = new ArrayList<>(users);
    for (int u = 0; u < users; u++) {
      acknowledged.add(ConcurrentHashMap.newKeySet());
    }
    AtomicReference<String> runId = new AtomicReference<>();
    SmtpScenario.Settings l = s.load();
    SmtpScenario.Settings load = new SmtpScenario.Settings(l.smtp(), l.messages(), l.concurrency(), l.sizes(),
        l.users(), l.from(), l.timeout(), l.messagesPerConnection(), null, l.verifyTimeout(), l.maxTime(),
        l.targets(), (id, index, user) -> {
          runId.compareAndSet(null, id);
          acknowledged.get(user).add(index);
        });

    ChaosSchedule schedule = new ChaosSchedule(s.events(), s.actionTimeout(), progressOut);
    long t0 = System.nanoTime();
    schedule.start();
    RunResult r = SmtpScenario.run(load, progressOut);
    // Events due after the load ended still run (a restart at the end), each bounded by the action timeout.
    Duration lastAt = s.events().stream().map(ChaosEvent::at).max(Duration::compareTo).orElse(Duration.ZERO);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    Duration remaining = lastAt.minus(elapsed).isNegative() ? Duration.ZERO : lastAt.minus(elapsed);
    List<String> outcomes = schedule.finish(remaining.plus(s.actionTimeout().multipliedBy(s.events().size())));

    Map<String, Long> counts = new LinkedHashMap<>(r.counts());
    MessageIdAudit.Result audit;
    if (runId.get() == null) {
      audit = new MessageIdAudit.Result(0, 0, 0, 0, 0, List.of());
    } else {
      try (IoRuntime io = new IoRuntime()) {
        audit = new MessageIdAudit(io, s.auditImap(), l.timeout()).audit(runId.get(), l.users(), acknowledged,
            s.auditDeadline());
      }
    }
    counts.put("found", audit.found());
    counts.put("lost", audit.lost());
    counts.put("duplicated", audit.duplicated());
    counts.put("unacknowledged_stored", audit.unacknowledgedStored());
    counts.put("chaos_events", (long) outcomes.size());
    counts.put("chaos_failed_events", outcomes.stream().filter(o -> o.contains(": FAILED")).count());
    Map<String, Object> params = new LinkedHashMap<>(r.parameters());
    params.put("events", s.events().stream().map(ChaosEvent::toString).toList());
    params.put("outcomes", outcomes);
    params.put("lostExamples", audit.lostExamples());
    return new RunResult("chaos", r.target(), params, r.startedAt(), r.seconds(), r.overall(), r.commands(),
        r.errors(), counts, r.timeline());
  }
}
