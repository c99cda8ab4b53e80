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
import java.util.concurrent.atomic.AtomicLongArray;
import org.mailhive.bench.Credentials;
import org.mailhive.bench.ErrorKind;
import org.mailhive.bench.MessageFactory;
import org.mailhive.bench.Metrics;
import org.mailhive.bench.Progress;
import org.mailhive.bench.RunResult;
import org.mailhive.bench.SizeDistribution;
import org.mailhive.bench.client.SmtpClient;
import org.mailhive.bench.client.SmtpReply;

/**
 * N messages at concurrency C: each of C connections sends one transaction after another (reconnecting after
 * {@code messagesPerConnection} or an error) until N have been attempted. Recipients are the users, round-robin.
 *
 * <p>Counts: every attempted message is {@code sent}, and ends as exactly one of {@code accepted} (250 after the
 * dot), {@code rejected} (a 4xx/5xx at MAIL, RCPT, DATA or the dot) or {@code failed} (no reply: I/O error,
 * timeout). Connections that fail to open are {@code connect_failed}: they carried no message, so they are not
 * among the sent ones. With verification, each user's INBOX is counted over IMAP before and after; {@code delivered} is the
 * growth, {@code lost} the accepted messages that never appeared, {@code unexpected} the growth beyond them.
 */
public final class SmtpScenario {
  /** Between polls of the INBOX counts while waiting for delivery; a queueing MTA delivers later than its 250. */
  private static final long VERIFY_POLL_MS = 250;
  /** Before reconnecting after a failed connect, so a dead server is not hammered in a hot loop. */
  private static final long RECONNECT_DELAY_MS = 100;

  /**
   * {@code smtp} is the first server; connection w goes to {@code targets.get(w % targets.size())} when
   * {@code targets} names several (clients spread over a cluster's nodes). {@code accepted} hears of every
   * message the server acknowledged, with the run id and message number its Message-ID carries.
   */
  public record Settings(InetSocketAddress smtp, int messages, int concurrency, SizeDistribution sizes,
                         List<Credentials> users, String from, Duration timeout, int messagesPerConnection,
                         InetSocketAddress verifyImap, Duration verifyTimeout, Duration maxTime,
                         List<InetSocketAddress> targets, AcceptedListener accepted) {
    public Settings {
      if (messages < 0 || concurrency < 1 || messagesPerConnection < 1 || users.isEmpty()) {
        throw new IllegalArgumentException("messages >= 0, concurrency >= 1, messages per connection >= 1, users");
      }
      targets = targets == null || targets.isEmpty() ? List.of(smtp) : List.copyOf(targets);
      accepted = accepted == null ? (runId, index, user) -> { } : accepted;
    }

    public Settings(InetSocketAddress smtp, int messages, int concurrency, SizeDistribution sizes,
                    List<Credentials> users, String from, Duration timeout, int messagesPerConnection,
                    InetSocketAddress verifyImap, Duration verifyTimeout, Duration maxTime) {
      this(smtp, messages, concurrency, sizes, users, from, timeout, messagesPerConnection, verifyImap,
          verifyTimeout, maxTime, null, null);
    }
  }

  /** Called (from I/O threads) for each message a server answered 250 to after the final dot. */
  @FunctionalInterface
  public interface AcceptedListener {
    void accepted(String runId, long index, int userIndex);
  }

  private final Settings s;
  private final IoRuntime io;
  /** Created after the INBOX counts before the run, so the timeline starts with the first message. */
  private Metrics metrics;
  private final AtomicLong next = new AtomicLong();
  private final AtomicLongArray acceptedPerUser;
  /** Names this run in every Message-ID; random, so runs started in the same millisecond stay apart. */
  private final String runId = Long.toString(System.currentTimeMillis(), 36)
      + Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
  private volatile long deadlineNanos;

  private SmtpScenario(Settings s, IoRuntime io) {
    this.s = s;
    this.io = io;
    this.acceptedPerUser = new AtomicLongArray(s.users().size());
  }

  public static RunResult run(Settings s, PrintStream progressOut) throws Exception {
    try (IoRuntime io = new IoRuntime()) {
      return new SmtpScenario(s, io).run(progressOut);
    }
  }

  private RunResult run(PrintStream progressOut) throws Exception {
    String started = Instant.now().toString();
    MailboxCounter counter = s.verifyImap() == null ? null : new MailboxCounter(io, s.verifyImap(), s.timeout());
    long[] before = new long[s.users().size()];
    if (counter != null) {
      for (int u = 0; u < before.length; u++) {
        before[u] = counter.count(s.users().get(u));
      }
    }
    metrics = new Metrics();
    Metrics m = metrics;
    double seconds;
    deadlineNanos = System.nanoTime() + s.maxTime().toNanos();
    long t0 = System.nanoTime();
    Progress progress = new Progress(m, progressOut, 1000);
    try {
      int workers = Math.min(s.concurrency(), Math.max(1, s.messages()));
      CompletableFuture<?>[] done = new CompletableFuture<?>[workers];
      for (int w = 0; w < workers; w++) {
        done[w] = new Worker(w).start();
      }
      // Every worker stops at the message count or the deadline; the grace covers the last in-flight commands.
      CompletableFuture.allOf(done).get(s.maxTime().toMillis() + 4 * s.timeout().toMillis(), TimeUnit.MILLISECONDS);
      seconds = (System.nanoTime() - t0) / 1e9;
    } finally {
      progress.close(); // takes the last sample, so the totals include the last partial second
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    long accepted = m.counter("accepted");
    counts.put("sent", m.counter("sent"));
    counts.put("accepted", accepted);
    counts.put("rejected", m.counter("rejected"));
    counts.put("failed", m.counter("failed"));
    counts.put("connect_failed", m.counter("connect_failed"));
    if (counter != null) {
      verify(counter, before, counts);
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("messages", s.messages());
    params.put("concurrency", s.concurrency());
    params.put("sizes", s.sizes().toString());
    params.put("users", s.users().size());
    params.put("messagesPerConnection", s.messagesPerConnection());
    params.put("verify", s.verifyImap() == null ? "none" : "imap " + hostPort(s.verifyImap()));
    return new RunResult("smtp", "smtp " + String.join(",", s.targets().stream().map(SmtpScenario::hostPort).toList()), params, started, seconds, m.overall(seconds),
        m.commandStats(seconds), m.errorsByKind(), counts, m.timeline());
  }

  /** Polls every user's INBOX until each has grown by what it was accepted, or the verify timeout passes. */
  private void verify(MailboxCounter counter, long[] before, Map<String, Long> counts) throws Exception {
    long deadline = System.nanoTime() + s.verifyTimeout().toNanos();
    long[] growth = new long[before.length];
    boolean complete;
    do {
      complete = true;
      for (int u = 0; u < before.length; u++) {
        if (growth[u] < acceptedPerUser.get(u)) {
          growth[u] = counter.count(s.users().get(u)) - before[u];
          complete &= growth[u] >= acceptedPerUser.get(u);
        }
      }
      if (!complete) {
        Thread.sleep(VERIFY_POLL_MS); // polling a remote mailbox; there is no event to wait for
      }
    } while (!complete && System.nanoTime() < deadline);
    long delivered = 0;
    long lost = 0;
    long unexpected = 0;
    for (int u = 0; u < before.length; u++) {
      long acc = acceptedPerUser.get(u);
      delivered += growth[u];
      lost += Math.max(0, acc - growth[u]);
      unexpected += Math.max(0, growth[u] - acc);
    }
    counts.put("delivered", delivered);
    counts.put("lost", lost);
    counts.put("unexpected", unexpected);
  }

  static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  /** One connection's loop: claim a message number, send it, repeat; bounded by the count and the deadline. */
  private final class Worker {
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final SplittableRandom random;
    private final InetSocketAddress target;
    private SmtpClient client;
    private int sentOnConnection;

    Worker(int id) {
      random = new SplittableRandom(id * 7919L + 17);
      target = s.targets().get(id % s.targets().size());
    }

    CompletableFuture<Void> start() {
      io.loop.execute(this::step);
      return done;
    }

    private void step() {
      if (next.get() >= s.messages() || System.nanoTime() > deadlineNanos) {
        finish();
        return;
      }
      connected().whenComplete((c, e) -> {
        if (e != null) {
          // No message was attempted on a connection that never opened (refused by a stopped node, no greeting,
          // EHLO refused): it is counted apart and does not use up the message budget, so a run against a
          // cluster with a node down still sends all N messages to the nodes that are up.
          metrics.count("connect_failed");
          metrics.failed("CONNECT", ErrorKind.of(e));
          io.timer.schedule(() -> io.loop.execute(this::step), RECONNECT_DELAY_MS, TimeUnit.MILLISECONDS);
          return;
        }
        long i = next.getAndIncrement();
        if (i >= s.messages()) {
          io.loop.execute(this::finish);
          return;
        }
        metrics.count("sent");
        // send() settles the message's own outcome (accepted, rejected or failed)
        send(c, i).whenComplete((v, x) -> io.loop.execute(this::step));
      });
    }

    private CompletableFuture<SmtpClient> connected() {
      if (client != null && sentOnConnection < s.messagesPerConnection()) {
        return CompletableFuture.completedFuture(client);
      }
      CompletableFuture<Void> quit = client == null ? CompletableFuture.completedFuture(null)
          : closeQuietly(client);
      client = null;
      return quit.thenCompose(v -> {
        long t = System.nanoTime();
        return SmtpClient.connect(io.group, target, s.timeout()).thenCompose(c -> {
          metrics.ok("CONNECT", System.nanoTime() - t);
          long te = System.nanoTime();
          return c.command("EHLO bench.mailhive").thenApply(r -> {
            if (!r.positive()) {
              c.close();
              throw new SmtpClient.SmtpException("EHLO: " + r.code() + " " + r.text());
            }
            metrics.ok("EHLO", System.nanoTime() - te);
            client = c;
            sentOnConnection = 0;
            return c;
          });
        });
      });
    }

    private CompletableFuture<Void> send(SmtpClient c, long i) {
      int u = (int) (i % s.users().size());
      String rcpt = s.users().get(u).user();
      byte[] message = MessageFactory.create(runId, i, s.from(), rcpt, s.sizes().next(random));
      sentOnConnection++;
      long t = System.nanoTime();
      return c.send(s.from(), List.of(rcpt), message).handle((SmtpReply r, Throwable e) -> {
        if (e != null) {
          metrics.count("failed");
          metrics.failed("MESSAGE", ErrorKind.of(e));
          c.close();
          client = null;
        } else if (r.positive()) {
          metrics.ok("MESSAGE", System.nanoTime() - t);
          metrics.count("accepted");
          acceptedPerUser.incrementAndGet(u);
          s.accepted().accepted(runId, i, u);
        } else {
          metrics.count("rejected");
          metrics.failed("MESSAGE", r.kind());
        }
        return null;
      });
    }

    private CompletableFuture<Void> closeQuietly(SmtpClient c) {
      long t = System.nanoTime();
      return c.quit().handle((r, e) -> {
        if (e == null) {
          metrics.ok("QUIT", System.nanoTime() - t);
        }
        c.close();
        return null;
      });
    }

    private void finish() {
      if (client == null) {
        done.complete(null);
        return;
      }
      closeQuietly(client).whenComplete((v, e) -> done.complete(null));
      client = null;
    }
  }
}
