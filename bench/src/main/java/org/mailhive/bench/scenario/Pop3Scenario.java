package org.mailhive.bench.scenario;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mailhive.bench.Credentials;
import org.mailhive.bench.ErrorKind;
import org.mailhive.bench.Metrics;
import org.mailhive.bench.Progress;
import org.mailhive.bench.RunResult;
import org.mailhive.bench.client.Pop3Client;
import org.mailhive.bench.client.Pop3Reply;

/**
 * C clients over U users (client i logs in as user i mod U), each running whole POP3 sessions the way a mail
 * client polls: connect, USER/PASS, STAT, UIDL, RETR of up to R random messages, DELE of each retrieved one with
 * the given percent chance, QUIT (where deletions take effect). The run ends after the duration or the session
 * count (whichever is given first), and at the latest at {@code maxTime}. Mailboxes are filled beforehand (e.g.
 * by the smtp scenario); a session finding an empty mailbox just does STAT, UIDL and QUIT.
 */
public final class Pop3Scenario {
  /** Before reconnecting after a failure, so a dead server or a wrong password is not a hot loop. */
  private static final long RECONNECT_DELAY_MS = 100;

  public record Settings(InetSocketAddress pop3, int clients, List<Credentials> users, Duration duration,
                         long sessions, int retrievesPerSession, int deletePercent, Duration timeout,
                         Duration maxTime) {
    public Settings {
      if (clients < 1 || users.isEmpty() || (duration == null && sessions <= 0) || retrievesPerSession < 0
          || deletePercent < 0 || deletePercent > 100) {
        throw new IllegalArgumentException(
            "clients >= 1, users, a duration or a session count, retrieves >= 0, delete percent 0..100");
      }
    }
  }

  private final Settings s;
  private final IoRuntime io;
  private final Metrics metrics = new Metrics();
  private final AtomicLong budget;
  private volatile long stopAtNanos;

  private Pop3Scenario(Settings s, IoRuntime io) {
    this.s = s;
    this.io = io;
    this.budget = new AtomicLong(s.sessions() > 0 ? s.sessions() : Long.MAX_VALUE);
  }

  public static RunResult run(Settings s, PrintStream progressOut) throws Exception {
    try (IoRuntime io = new IoRuntime()) {
      return new Pop3Scenario(s, io).run(progressOut);
    }
  }

  private RunResult run(PrintStream progressOut) throws Exception {
    String started = Instant.now().toString();
    long t0 = System.nanoTime();
    Duration limit = s.duration() != null && s.duration().compareTo(s.maxTime()) < 0 ? s.duration() : s.maxTime();
    stopAtNanos = t0 + limit.toNanos();
    double seconds;
    Progress progress = new Progress(metrics, progressOut, 1000);
    try {
      CompletableFuture<?>[] done = new CompletableFuture<?>[s.clients()];
      for (int i = 0; i < s.clients(); i++) {
        done[i] = new Client(i).start();
      }
      // A session in flight when the time is up finishes; the grace covers its commands' timeouts.
      CompletableFuture.allOf(done).get(limit.toMillis() + (4L + 2L * s.retrievesPerSession())
          * s.timeout().toMillis(), TimeUnit.MILLISECONDS);
      seconds = (System.nanoTime() - t0) / 1e9;
    } finally {
      progress.close();
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("clients", s.clients());
    params.put("users", s.users().size());
    params.put("duration", s.duration() == null ? null : s.duration().toString());
    params.put("sessions", s.sessions());
    params.put("retrievesPerSession", s.retrievesPerSession());
    params.put("deletePercent", s.deletePercent());
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("sessions", metrics.counter("sessions"));
    counts.put("retrieved", metrics.counter("retrieved"));
    counts.put("deleted", metrics.counter("deleted"));
    counts.put("errors", metrics.errorTotal());
    return new RunResult("pop3", "pop3 " + SmtpScenario.hostPort(s.pop3()), params, started, seconds,
        metrics.overall(seconds), metrics.commandStats(seconds), metrics.errorsByKind(), counts, metrics.timeline());
  }

  private boolean stopping() {
    return System.nanoTime() >= stopAtNanos || budget.get() <= 0;
  }

  private final class Client {
    private final Credentials user;
    private final SplittableRandom random;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    Client(int id) {
      this.user = s.users().get(id % s.users().size());
      this.random = new SplittableRandom(id * 7919L + 11);
    }

    CompletableFuture<Void> start() {
      io.loop.execute(this::next);
      return done;
    }

    private void next() {
      if (stopping() || budget.getAndDecrement() <= 0) {
        done.complete(null);
        return;
      }
      session().whenComplete((delayMs, e) -> {
        long delay = e != null ? RECONNECT_DELAY_MS : delayMs;
        if (delay > 0) {
          io.timer.schedule(() -> io.loop.execute(this::next), delay, TimeUnit.MILLISECONDS);
        } else {
          io.loop.execute(this::next);
        }
      });
    }

    /** One session; completes with the delay before the next one (0 when it went well). */
    private CompletableFuture<Long> session() {
      long t = System.nanoTime();
      CompletableFuture<Pop3Client> connected = Pop3Client.connect(io.group, s.pop3(), s.timeout())
          .whenComplete((c, e) -> {
            if (e != null) {
              metrics.failed("CONNECT", ErrorKind.of(e));
            } else {
              metrics.ok("CONNECT", System.nanoTime() - t);
            }
          });
      return connected.thenCompose(c -> {
        return timed("LOGIN", () -> c.login(user.user(), user.password()))
            .thenCompose(login -> !login.ok() ? CompletableFuture.completedFuture(RECONNECT_DELAY_MS)
                : timed("STAT", () -> c.command("STAT"))
                    .thenCompose(stat -> timed("UIDL", () -> c.multiLine("UIDL")).thenApply(uidl -> count(stat)))
                    .thenCompose(count -> retrieve(c, count, count == 0 ? 0 : random.nextInt(count), 0))
                    .thenCompose(v -> timed("QUIT", () -> c.command("QUIT")))
                    .thenApply(quit -> {
                      metrics.count("sessions");
                      return 0L;
                    }))
            .whenComplete((v, e) -> c.close());
      }).exceptionally(e -> RECONNECT_DELAY_MS); // recorded where it happened
    }

    /**
     * RETR (and maybe DELE) of consecutive messages from a random {@code offset}, wrapping around, so no message
     * is retrieved twice in a session.
     */
    private CompletableFuture<Void> retrieve(Pop3Client c, int count, int offset, int done) {
      if (done >= Math.min(count, s.retrievesPerSession())) {
        return CompletableFuture.completedFuture(null);
      }
      int msg = 1 + (offset + done) % count;
      return timed("RETR", () -> c.multiLine("RETR " + msg)).thenCompose(r -> {
        if (r.ok()) {
          metrics.count("retrieved");
        }
        if (!r.ok() || random.nextInt(100) >= s.deletePercent()) {
          return CompletableFuture.completedFuture(null);
        }
        return timed("DELE", () -> c.command("DELE " + msg)).thenAccept(d -> {
          if (d.ok()) {
            metrics.count("deleted");
          }
        });
      }).thenCompose(v -> retrieve(c, count, offset, done + 1));
    }

    private int count(Pop3Reply stat) {
      if (!stat.ok()) {
        return 0;
      }
      String[] parts = stat.status().split(" ");
      try {
        return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    /** Runs one command and records its latency, or its failure by kind; I/O failures end the session. */
    private CompletableFuture<Pop3Reply> timed(String label,
                                               java.util.function.Supplier<CompletableFuture<Pop3Reply>> command) {
      long t = System.nanoTime();
      return command.get().whenComplete((r, e) -> {
        if (e != null) {
          metrics.failed(label, ErrorKind.of(e));
        } else if (r.ok()) {
          metrics.ok(label, System.nanoTime() - t);
        } else {
          metrics.failed(label, r.kind());
        }
      });
    }
  }
}
