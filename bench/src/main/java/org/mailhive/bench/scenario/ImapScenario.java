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
import org.mailhive.bench.MessageFactory;
import org.mailhive.bench.Metrics;
import org.mailhive.bench.Progress;
import org.mailhive.bench.RunResult;
import org.mailhive.bench.SizeDistribution;
import org.mailhive.bench.client.ImapClient;
import org.mailhive.bench.client.ImapResponse;

/**
 * C clients over U users (client i logs in as user i mod U), each running imaptest-style cycles: the steps of
 * {@link ImapOp} in order, each with its weight as percent chance. LOGIN runs whenever the client is logged out and
 * SELECT whenever nothing is selected, so a LOGOUT starts a fresh session on the next cycle. The run ends after
 * the duration or the command count (whichever is given first), and at the latest at {@code maxTime}.
 *
 * <p>Commands that need a message fall back to APPEND in an empty mailbox; APPEND falls back to DELETE once the
 * mailbox holds {@code maxMessages}, which keeps mailboxes from growing without bound during long runs.
 */
public final class ImapScenario {
  /** Before reconnecting after a failure, so a dead server or a wrong password is not a hot loop. */
  private static final long RECONNECT_DELAY_MS = 100;
  /** FETCH ranges span this many messages, as a client paging through a mailbox list would. */
  private static final int FETCH_RANGE = 10;
  private static final String[] FLAGS = {"\\Seen", "\\Flagged", "\\Answered", "$Bench"};

  public record Settings(InetSocketAddress imap, int clients, List<Credentials> users, Duration duration,
                         long commands, Map<ImapOp, Integer> weights, SizeDistribution appendSizes,
                         int maxMessages, Duration idleTime, Duration timeout, Duration maxTime) {
    public Settings {
      if (clients < 1 || users.isEmpty() || (duration == null && commands <= 0) || maxMessages < 1) {
        throw new IllegalArgumentException("clients >= 1, users, a duration or a command count, max messages >= 1");
      }
    }
  }

  private final Settings s;
  private final IoRuntime io;
  private final Metrics metrics = new Metrics();
  private final AtomicLong budget;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private volatile long stopAtNanos;

  private ImapScenario(Settings s, IoRuntime io) {
    this.s = s;
    this.io = io;
    this.budget = new AtomicLong(s.commands() > 0 ? s.commands() : Long.MAX_VALUE);
  }

  public static RunResult run(Settings s, PrintStream progressOut) throws Exception {
    try (IoRuntime io = new IoRuntime()) {
      return new ImapScenario(s, io).run(progressOut);
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
      // Clients check the stop condition before every command; the grace covers commands in flight.
      CompletableFuture.allOf(done).get(limit.toMillis() + 4 * s.timeout().toMillis() + s.idleTime().toMillis(),
          TimeUnit.MILLISECONDS);
      seconds = (System.nanoTime() - t0) / 1e9;
    } finally {
      progress.close(); // takes the last sample, so the totals include the last partial second
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("clients", s.clients());
    params.put("users", s.users().size());
    params.put("duration", s.duration() == null ? null : s.duration().toString());
    params.put("commands", s.commands());
    Map<String, Integer> weights = new LinkedHashMap<>();
    s.weights().forEach((op, w) -> weights.put(op.key, w));
    params.put("weights", weights);
    params.put("appendSizes", s.appendSizes().toString());
    params.put("maxMessages", s.maxMessages());
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("commands", metrics.completedTotal() - connects());
    counts.put("errors", metrics.errorTotal());
    counts.put("sessions", metrics.counter("sessions"));
    return new RunResult("imap", "imap " + SmtpScenario.hostPort(s.imap()), params, started, seconds,
        metrics.overall(seconds), metrics.commandStats(seconds), metrics.errorsByKind(), counts, metrics.timeline());
  }

  private long connects() {
    return metrics.commandStats(1).stream().filter(c -> c.command().equals("CONNECT")).mapToLong(c -> c.count())
        .sum();
  }

  private boolean stopping() {
    return System.nanoTime() >= stopAtNanos || budget.get() <= 0;
  }

  private final class Client {
    private final int id;
    private final Credentials user;
    private final SplittableRandom random;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private ImapClient client;
    private boolean selected;
    private int position;
    private long appended;

    Client(int id) {
      this.id = id;
      this.user = s.users().get(id % s.users().size());
      this.random = new SplittableRandom(id * 104729L + 3);
    }

    CompletableFuture<Void> start() {
      io.loop.execute(this::step);
      return done;
    }

    private void step() {
      if (stopping()) {
        finish();
        return;
      }
      ImapOp op = null;
      // One pass over the cycle at most: a cycle whose every step is skipped sends a NOOP instead of spinning.
      for (int i = 0; i < ImapOp.values().length && op == null; i++) {
        ImapOp candidate = ImapOp.values()[position];
        position = (position + 1) % ImapOp.values().length;
        if (runs(candidate)) {
          op = candidate;
        }
      }
      if (op == null) {
        op = ImapOp.NOOP;
      }
      if (budget.getAndDecrement() <= 0) {
        finish();
        return;
      }
      ImapOp chosen = substitute(op);
      run(chosen).whenComplete((delayMs, e) -> {
        long delay = e != null ? RECONNECT_DELAY_MS : delayMs;
        if (delay > 0) {
          io.timer.schedule(() -> io.loop.execute(this::step), delay, TimeUnit.MILLISECONDS);
        } else {
          io.loop.execute(this::step);
        }
      });
    }

    private boolean runs(ImapOp op) {
      if (op == ImapOp.LOGIN) {
        return client == null;
      }
      if (client == null) {
        return false;
      }
      if (op == ImapOp.SELECT && !selected) {
        return true;
      }
      if (op != ImapOp.LIST && op != ImapOp.LOGOUT && op != ImapOp.SELECT && !selected) {
        return false;
      }
      int weight = s.weights().getOrDefault(op, 0);
      return weight >= 100 || (weight > 0 && random.nextInt(100) < weight);
    }

    /** Keeps commands valid for the mailbox as this session sees it (see the class comment). */
    private ImapOp substitute(ImapOp op) {
      int exists = client == null ? 0 : client.exists();
      boolean needsMessage = op == ImapOp.FETCH_FLAGS || op == ImapOp.FETCH_ENVELOPE || op == ImapOp.FETCH_BODY
          || op == ImapOp.STORE || op == ImapOp.DELETE;
      if (needsMessage && exists == 0) {
        return ImapOp.APPEND;
      }
      if (op == ImapOp.APPEND && exists >= s.maxMessages()) {
        return ImapOp.DELETE;
      }
      return op;
    }

    /** Runs one step; completes with a delay before the next step (0 normally). */
    private CompletableFuture<Long> run(ImapOp op) {
      if (op == ImapOp.LOGIN) {
        return login();
      }
      ImapClient c = client;
      long t = System.nanoTime();
      CompletableFuture<ImapResponse> reply = switch (op) {
        case LIST -> c.command("LIST \"\" \"*\"");
        case SELECT -> c.command("SELECT INBOX");
        case FETCH_FLAGS -> c.command("FETCH " + range(c) + " (UID FLAGS)");
        case FETCH_ENVELOPE -> c.command("FETCH " + range(c) + " (UID ENVELOPE)");
        case FETCH_BODY -> c.command("FETCH " + one(c) + " (BODY.PEEK[])");
        case STATUS -> c.command("STATUS INBOX (MESSAGES UNSEEN)");
        case NOOP -> c.command("NOOP");
        case STORE -> c.command("STORE " + one(c) + (random.nextBoolean() ? " +FLAGS (" : " -FLAGS (")
            + FLAGS[random.nextInt(FLAGS.length)] + ")");
        case DELETE -> c.command("STORE " + one(c) + " +FLAGS (\\Deleted)");
        case EXPUNGE -> c.command("EXPUNGE");
        case APPEND -> c.append("INBOX", random.nextInt(4) == 0 ? "\\Seen" : "",
            MessageFactory.create(runId, id * 1_000_000_000L + appended++, "bench@bench.mailhive", user.user(),
                s.appendSizes().next(random)));
        case IDLE -> c.idle(s.idleTime(), io.timer);
        case LOGOUT -> c.command("LOGOUT");
        case LOGIN -> throw new IllegalStateException("handled above");
      };
      return reply.handle((r, e) -> {
        if (e != null) {
          metrics.failed(op.label(), ErrorKind.of(e));
          drop();
          return RECONNECT_DELAY_MS;
        }
        if (r.ok()) {
          metrics.ok(op.label(), System.nanoTime() - t);
        } else {
          metrics.failed(op.label(), r.kind());
        }
        if (op == ImapOp.SELECT) {
          selected = r.ok();
        }
        if (op == ImapOp.LOGOUT) {
          drop();
        }
        return 0L;
      });
    }

    private CompletableFuture<Long> login() {
      long t = System.nanoTime();
      return ImapClient.connect(io.group, s.imap(), s.timeout()).thenCompose(c -> {
        metrics.ok("CONNECT", System.nanoTime() - t);
        long tl = System.nanoTime();
        return c.login(user.user(), user.password()).thenApply(r -> {
          if (r.ok()) {
            metrics.ok(ImapOp.LOGIN.label(), System.nanoTime() - tl);
            metrics.count("sessions");
            client = c;
            selected = false;
            return 0L;
          }
          metrics.failed(ImapOp.LOGIN.label(), r.kind());
          c.close();
          return RECONNECT_DELAY_MS;
        });
      }).exceptionally(e -> {
        metrics.failed("CONNECT", ErrorKind.of(e));
        return RECONNECT_DELAY_MS;
      });
    }

    private String range(ImapClient c) {
      int exists = Math.max(1, c.exists());
      int from = 1 + random.nextInt(exists);
      int to = Math.min(exists, from + FETCH_RANGE - 1);
      return from == to ? Integer.toString(from) : from + ":" + to;
    }

    private String one(ImapClient c) {
      return Integer.toString(1 + random.nextInt(Math.max(1, c.exists())));
    }

    private void drop() {
      if (client != null) {
        client.close();
      }
      client = null;
      selected = false;
    }

    private void finish() {
      ImapClient c = client;
      client = null;
      if (c == null) {
        done.complete(null);
        return;
      }
      long t = System.nanoTime();
      c.command("LOGOUT").whenComplete((r, e) -> {
        if (e == null && r.ok()) {
          metrics.ok(ImapOp.LOGOUT.label(), System.nanoTime() - t);
        }
        c.close();
        done.complete(null);
      });
    }
  }
}
