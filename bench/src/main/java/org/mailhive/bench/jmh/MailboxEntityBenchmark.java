package org.mailhive.bench.jmh;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.mailhive.mailbox.MailboxEntity;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.RequestId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The mailbox actor's own cost: APPEND (one persisted event and its reply) and the snapshot a SELECT fetches
 * (UIDs, flags and cached summaries of a 5,000-message mailbox), over Pekko's in-memory journal so the figure is
 * the entity's logic and messaging, not the disk (see {@link JournalWriteBenchmark} for that part).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class MailboxEntityBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int SELECTED_MESSAGES = 5_000;
  private static final String BLOB = "b".repeat(64);

  private ActorSystem<Void> system;
  private ActorRef<MailboxProtocol.Command> appendTarget;
  private ActorRef<MailboxProtocol.Command> selectTarget;
  private long requests;

  @Setup(Level.Trial)
  public void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "jmh", ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.actor.provider = local
        pekko.persistence.journal.plugin = "pekko.persistence.journal.inmem"
        pekko.persistence.journal.inmem.test-serialization = off
        pekko.persistence.snapshot-store.plugin = ""
        """).withFallback(ConfigFactory.load()));
    appendTarget = system.systemActorOf(MailboxEntity.create("append@localhost:INBOX"), "append", 
        org.apache.pekko.actor.typed.Props.empty());
    selectTarget = system.systemActorOf(MailboxEntity.create("select@localhost:INBOX"), "select",
        org.apache.pekko.actor.typed.Props.empty());
    for (int i = 0; i < SELECTED_MESSAGES; i++) {
      append(selectTarget);
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private MailboxProtocol.AppendReply append(ActorRef<MailboxProtocol.Command> target) throws Exception {
    String id = "jmh-" + (++requests);
    MailboxProtocol.AppendReply reply = AskPattern.<MailboxProtocol.Command, MailboxProtocol.AppendReply>ask(target,
        replyTo -> new MailboxProtocol.Append(new RequestId(id), BLOB, 4096, List.of("\\Seen"),
            1_700_000_000_000L, "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)", "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 4096 80)",
            "(\"text\" \"plain\" NIL NIL NIL \"7bit\" 4096 80)", replyTo),
        TIMEOUT, system.scheduler()).toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (!(reply instanceof MailboxProtocol.Appended)) {
      throw new IllegalStateException("append refused: " + reply);
    }
    return reply;
  }

  @Benchmark
  public MailboxProtocol.AppendReply appendOne() throws Exception {
    return append(appendTarget);
  }

  @Benchmark
  public int openSnapshotOf5000() throws Exception {
    MailboxProtocol.Opened opened = AskPattern.<MailboxProtocol.Command, MailboxProtocol.Opened>ask(selectTarget,
        replyTo -> new MailboxProtocol.Open(null, replyTo), TIMEOUT, system.scheduler())
        .toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return opened.messages().size();
  }
}
