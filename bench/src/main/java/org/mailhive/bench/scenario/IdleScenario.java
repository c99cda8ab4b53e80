package org.mailhive.bench.scenario;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.mailhive.bench.Credentials;
import org.mailhive.bench.ErrorKind;
import org.mailhive.bench.Metrics;
import org.mailhive.bench.ProcessMemory;
import org.mailhive.bench.Progress;
import org.mailhive.bench.RunResult;
import org.mailhive.bench.client.ImapClient;
import org.mailhive.bench.client.ImapResponse;

/**
 * N authenticated idle IMAP connections, and the server's resident memory before and after them. Each connection
 * logs in (user i mod U), selects INBOX and, when the server advertises IDLE (RFC 2177), enters IDLE; otherwise it
 * just stays selected. At most {@code parallel} connections are being opened at once, so the server's login path
 * (a password hash per LOGIN) is not flooded beyond what it would see from a reconnect storm. Opening stops at N
 * or after {@code openTime}, whichever comes first; the report says how many were reached. Then, after
 * {@code settle}, the memory of the server's process tree ({@link ProcessMemory}) is sampled again and the
 * difference divided by the connections held is the memory per connection.
 */
public final class IdleScenario {
  public record Settings(InetSocketAddress imap, int connections, List<Credentials> users, List<Long> serverPids,
                         int parallel, Duration openTime, Duration settle, Duration timeout) {
    public Settings {
      if (connections < 1 || users.isEmpty() || serverPids.isEmpty() || parallel < 1) {
        throw new IllegalArgumentException("connections >= 1, users, a server PID, parallel >= 1");
      }
    }
  }

  private final Settings s;
  private final IoRuntime io;
  private final Metrics metrics = new Metrics();
  private final ConcurrentLinkedQueue<ImapClient> held = new ConcurrentLinkedQueue<>();

  private IdleScenario(Settings s, IoRuntime io) {
    this.s = s;
    this.io = io;
  }

  public static RunResult run(Settings s, PrintStream progressOut) throws Exception {
    try (IoRuntime io = new IoRuntime()) {
      return new IdleScenario(s, io).run(progressOut);
    }
  }

  private RunResult run(PrintStream progressOut) throws Exception {
    ProcessMemory memory = ProcessMemory.linux();
    ProcessMemory.Sample before = memory.sample(s.serverPids());
    String started = Instant.now().toString();
    long t0 = System.nanoTime();
    long deadline = t0 + s.openTime().toNanos();
    Semaphore slots = new Semaphore(s.parallel());
    List<CompletableFuture<Void>> opening = new ArrayList<>();
    ProcessMemory.Sample after;
    double openSeconds;
    try (Progress progress = new Progress(metrics, progressOut, 1000)) {
      for (int i = 0; i < s.connections(); i++) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
          break;
        }
        opening.add(open(s.users().get(i % s.users().size())).whenComplete((v, e) -> slots.release()));
      }
      // Those still opening get the per-reply timeout to finish; a connection not idle by then is not counted.
      CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
          .completeOnTimeout(null, 4 * s.timeout().toMillis(), TimeUnit.MILLISECONDS).join();
      openSeconds = (System.nanoTime() - t0) / 1e9;
      int idle = held.size();
      // Let the server finish what the logins left behind (GC, freed buffers) before sampling.
      Thread.sleep(s.settle().toMillis());
      after = memory.sample(s.serverPids());
      if (held.size() != idle) {
        metrics.error("closed by server while idle");
      }
    } finally {
      held.forEach(ImapClient::close);
    }
    int idle = held.size();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("connections", s.connections());
    params.put("users", s.users().size());
    params.put("serverPids", s.serverPids());
    params.put("parallel", s.parallel());
    params.put("openTime", s.openTime().toString());
    params.put("settle", s.settle().toString());
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("idle", (long) idle);
    counts.put("idleCommand", metrics.counter("idle-command"));
    counts.put("selectedOnly", metrics.counter("selected-only"));
    counts.put("failed", metrics.errorTotal());
    counts.put("processesBefore", (long) before.processes());
    counts.put("processesAfter", (long) after.processes());
    counts.put("rssKibBefore", before.rssKib());
    counts.put("rssKibAfter", after.rssKib());
    counts.put("pssKibBefore", before.pssKib());
    counts.put("pssKibAfter", after.pssKib());
    counts.put("rssBytesPerConnection", perConnection(before.rssKib(), after.rssKib(), idle));
    counts.put("pssBytesPerConnection", perConnection(before.pssKib(), after.pssKib(), idle));
    return new RunResult("idle", "imap " + SmtpScenario.hostPort(s.imap()), params, started, openSeconds,
        metrics.overall(openSeconds), metrics.commandStats(openSeconds), metrics.errorsByKind(), counts,
        metrics.timeline());
  }

  static long perConnection(long beforeKib, long afterKib, int connections) {
    return connections == 0 ? 0 : (afterKib - beforeKib) * 1024 / connections;
  }

  /** Connect, LOGIN, SELECT INBOX, IDLE if advertised; the connection is then held. Never completes exceptionally. */
  private CompletableFuture<Void> open(Credentials user) {
    long t = System.nanoTime();
    return ImapClient.connect(io.group(), s.imap(), s.timeout()).thenCompose(c -> {
      metrics.ok("CONNECT", System.nanoTime() - t);
      return step(c, "LOGIN", c.login(user.user(), user.password()))
          .thenCompose(login -> step(c, "CAPABILITY", c.command("CAPABILITY")))
          .thenCompose(caps -> {
            boolean idle = caps.untagged().stream().anyMatch(l -> l.toUpperCase().matches(".* IDLE( .*)?$"));
            return step(c, "SELECT", c.command("SELECT INBOX")).thenCompose(sel -> {
              if (!idle) {
                metrics.count("selected-only");
                return CompletableFuture.completedFuture(null);
              }
              return step(c, "IDLE", c.enterIdle().thenApply(r -> r == null ? new ImapResponse("OK", "", List.of(), 0) : r))
                  .thenApply(r -> {
                    metrics.count("idle-command");
                    return null;
                  });
            });
          })
          .thenAccept(v -> held.add(c))
          .whenComplete((v, e) -> {
            if (e != null) {
              c.close();
            }
          });
    }).exceptionally(e -> {
      metrics.error(ErrorKind.of(e));
      return null;
    });
  }

  /** Times one command; a NO or BAD fails the connection's opening. */
  private CompletableFuture<ImapResponse> step(ImapClient c, String label, CompletableFuture<ImapResponse> command) {
    long t = System.nanoTime();
    return command.thenApply(r -> {
      if (!r.ok()) {
        throw new ImapClient.ImapException(label + " " + r.kind());
      }
      metrics.ok(label, System.nanoTime() - t);
      return r;
    });
  }
}
