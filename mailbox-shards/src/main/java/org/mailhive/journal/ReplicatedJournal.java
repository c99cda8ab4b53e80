package org.mailhive.journal;

import com.typesafe.config.Config;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.japi.pf.ReceiveBuilder;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.mailhive.shard.ReplicaNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.PartialFunction;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;

/**
 * Pekko Persistence journal plugin that keeps every event on two store nodes before the persist completes, so
 * before any entity replies (SMTP 250, IMAP OK). Entities do not know about it.
 *
 * <p>A write goes to this node's {@link JournalStore} (LevelDB, synced), then to the {@link ReplicaReceiver} of the
 * shard's replica node ({@link ReplicaNodes}: the next reachable store node in the shard's rendezvous order), and
 * completes when the replica has synced it too. If the replica lacks earlier events (it was down), it says so and
 * this journal sends it everything it missed first: the replica catches up on the next write of each persistence
 * id. If the replica does not answer within {@code replica-timeout}, the write completes on this copy alone and is
 * logged as {@code degraded_write}, counted ({@link ReplicationCounters}) and recorded in {@link JournalBehind};
 * every {@code replica-catch-up.interval} the journal sends the recorded ids what their replica lacks the same way,
 * so a mailbox with no further write gets its second copy too. With no other store node (one-node
 * cluster) writes are local and not degraded. But a write never completes on one copy while another store node is
 * unreachable and not yet downed, nor on a node that is itself downed ({@link ReplicaNodes#oneCopyRefusal}): this
 * node might be on the losing side of a partition, whose writes the winning side never sees. Such a write waits
 * up to {@code partition-wait} for the Split Brain Resolver's decision, then is rejected and its events are taken
 * back ({@code refused_write}); the client gets a temporary error and retries.
 *
 * <p>Replay reads only the local store. Before it, recovery asks the other store nodes for events after the local
 * highest sequence number and stores what they have: a node that takes over a shard whose writes it missed (it
 * was not the replica then) starts from the longest history among the live nodes.
 */
public final class ReplicatedJournal extends AsyncWriteJournal {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedJournal.class);
  // Events read per catch-up message before cutting to JournalReplication.MAX_BATCH_BYTES.
  private static final int CATCH_UP_BATCH = 200;

  private final JournalStore store;
  private final Serialization serialization;
  private final Duration replicaTimeout;
  private final Duration catchUpTimeout;
  private final int shardCount;
  private final ReplicaNodes replicas;
  private final org.apache.pekko.actor.ActorSystem system;
  private final Duration partitionWait;
  // How often a write held back by an undecided partition looks again at the cluster's state.
  private static final Duration RECHECK = Duration.ofMillis(200);
  private final JournalBehind behind;
  private final int catchUpBatch;
  private final int catchUpParallelism;
  private final Cancellable catchUpTicks;
  private boolean catchUpRunning;

  private enum CatchUpTick { INSTANCE }

  private record CatchUpDone(int sent, int failed, Throwable failure) {}

  private enum Outcome { SENT, WAITING, FAILED }

  public ReplicatedJournal(Config config) {
    this.store = JournalStore.acquire(Path.of(config.getString("dir")));
    this.serialization = SerializationExtension.get(context().system());
    this.replicaTimeout = config.getDuration("replica-timeout");
    this.catchUpTimeout = config.getDuration("catch-up-timeout");
    this.partitionWait = config.getDuration("partition-wait");
    this.system = context().system();
    Config all = context().system().settings().config();
    this.shardCount = all.getInt("mailhive.cluster.shard-count");
    // A cluster-less system (unit tests with the local provider) has no replica.
    boolean clustered = "cluster".equals(all.getString("pekko.actor.provider"))
        || all.getString("pekko.actor.provider").endsWith("ClusterActorRefProvider");
    Config catchUp = config.getConfig("replica-catch-up");
    this.replicas = clustered
        ? new ReplicaNodes(Cluster.get(context().system()), catchUp.getDuration("remember-absent-node")) : null;
    this.behind = new JournalBehind(JournalBehind.besideJournal(Path.of(config.getString("dir"))));
    behind.entries().forEach(ReplicationCounters::journalReplicaBehind);
    this.catchUpBatch = catchUp.getInt("batch");
    this.catchUpParallelism = catchUp.getInt("parallelism");
    Duration interval = catchUp.getDuration("interval");
    this.catchUpTicks = replicas == null ? null : system.scheduler().scheduleWithFixedDelay(interval, interval,
        self(), CatchUpTick.INSTANCE, system.dispatcher(), ActorRef.noSender());
    if (replicas != null) {
      // Every store node seen up is remembered (ReplicaNodes#intendedReplicaOf), even one that leaves again before
      // the next tick, so that writes made once it is gone know whom they are behind.
      Cluster.get(system).subscribe(self(), ClusterEvent.initialStateAsEvents(), ClusterEvent.MemberUp.class);
    }
  }

  @Override
  public void postStop() {
    if (catchUpTicks != null) {
      catchUpTicks.cancel();
    }
    if (replicas != null) {
      Cluster.get(system).unsubscribe(self());
    }
    store.release();
  }

  @Override
  public PartialFunction<Object, BoxedUnit> receivePluginInternal() {
    return ReceiveBuilder.create()
        .match(CatchUpTick.class, t -> {
          replicas.observe();
          startCatchUp();
        })
        .match(ClusterEvent.MemberUp.class, up -> replicas.rememberUp(up.member()))
        .match(CatchUpDone.class, this::catchUpDone)
        .build().onMessage();
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    List<String> pids = new ArrayList<>();
    Map<String, List<JournalStore.Entry>> written = new LinkedHashMap<>();
    try {
      for (AtomicWrite write : messages) {
        List<JournalStore.Entry> entries = new ArrayList<>();
        Exception rejected = null;
        for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
          try {
            entries.add(new JournalStore.Entry(repr.sequenceNr(), serialization.serialize(repr).get()));
          } catch (Exception e) {
            rejected = e;
            break;
          }
        }
        pids.add(write.persistenceId());
        if (rejected != null) {
          results.add(Optional.of(rejected));
          continue;
        }
        store.write(write.persistenceId(), entries);
        written.computeIfAbsent(write.persistenceId(), k -> new ArrayList<>()).addAll(entries);
        results.add(Optional.empty());
      }
    } catch (RuntimeException storageFailure) {
      return Futures.failed(storageFailure);
    }
    long deadline = System.nanoTime() + partitionWait.toNanos();
    Map<String, CompletableFuture<Optional<Exception>>> copies = new LinkedHashMap<>();
    written.forEach((pid, entries) -> copies.put(pid, replicate(pid, entries, deadline).toCompletableFuture()
        .handle((v, failure) -> {
          if (failure == null) {
            return Optional.<Exception>empty();
          }
          // Not acknowledged, so not kept: see JournalStore.rollBack.
          store.rollBack(pid, entries);
          ReplicationCounters.journalWriteRefused();
          LOG.warn("refused_write kind=journal pid={} seq={} reason=\"{}\"", pid,
              entries.get(entries.size() - 1).seqNr(), reasonOf(failure));
          return Optional.<Exception>of(new ReplicaUnavailable(reasonOf(failure)));
        })));
    return FutureConverters.asScala(CompletableFuture.allOf(copies.values().toArray(CompletableFuture[]::new))
        .thenApply(v -> {
          List<Optional<Exception>> done = new ArrayList<>();
          for (int i = 0; i < results.size(); i++) {
            CompletableFuture<Optional<Exception>> copy = copies.get(pids.get(i));
            done.add(results.get(i).isPresent() || copy == null ? results.get(i) : copy.join());
          }
          return (Iterable<Optional<Exception>>) done;
        }));
  }

  /**
   * A write this node would have had to complete on its own copy while the cluster had not decided which side of
   * a partition keeps the shard (or after this node was downed). Its events were taken back; the entity sees the
   * write rejected and its client a temporary error, and the client's retry reaches whichever node then owns the
   * shard.
   */
  public static final class ReplicaUnavailable extends RuntimeException {
    ReplicaUnavailable(String reason) {
      super("replica unavailable and partition undecided: " + reason, null, false, false);
    }
  }

  /**
   * Completes when the replica has the entries, or with the write on this copy alone (degraded) when no replica
   * answers and this node may write alone ({@link ReplicaNodes#oneCopyRefusal}); while it may not, it looks again
   * every {@link #RECHECK} until {@code deadline}, then fails (the caller takes the entries back).
   */
  private CompletionStage<Void> replicate(String pid, List<JournalStore.Entry> entries, long deadline) {
    if (replicas == null) {
      return CompletableFuture.completedFuture(null);
    }
    long last = entries.get(entries.size() - 1).seqNr();
    Optional<Address> replica = replicas.replicaOf(ReplicaNodes.shardOfPersistenceId(pid, shardCount));
    if (replica.isEmpty()) {
      return replicas.oneCopyRefusal()
          .map(refusal -> waitForDecision(pid, entries, deadline, refusal))
          .orElseGet(() -> aloneInTheCluster(pid, last));
    }
    ActorSelection target = system.actorSelection(replica.get() + ReplicaReceiver.PATH);
    List<JournalReplication.Event> events = entries.stream().map(JournalReplication.Event::of).toList();
    return Patterns.ask(target, new JournalReplication.Replicate(pid, events), replicaTimeout)
        .thenCompose(reply -> {
          if (reply instanceof JournalReplication.Behind behind) {
            LOG.info("replica_catch_up pid={} replica={} from={} to={}", pid, replica.get(), behind.highest() + 1, last);
            return catchUp(target, pid, behind.highest() + 1, last);
          }
          return CompletableFuture.completedFuture(reply);
        })
        .handle((reply, failure) -> {
          if (failure == null && reply instanceof JournalReplication.Replicated) {
            caughtUp(pid);
            return CompletableFuture.<Void>completedFuture(null);
          }
          Optional<String> refusal = replicas.oneCopyRefusal();
          if (refusal.isPresent()) {
            return waitForDecision(pid, entries, deadline, refusal.get());
          }
          String reason = failure != null ? reasonOf(failure) : String.valueOf(reply);
          return recordDegraded(pid, last, replica.get(), reason);
        })
        .thenCompose(next -> next);
  }

  // No other store node is up. In a cluster that had one lately (the other of two store nodes crashed and was
  // downed, or is restarting) the write is a degraded one like any other: recorded, so that the background
  // catch-up sends it to the first store node that is up again. A node that never saw another store node (a
  // single-node install) has no replica to be behind.
  private CompletionStage<Void> aloneInTheCluster(String pid, long seqNr) {
    return replicas.intendedReplicaOf(ReplicaNodes.shardOfPersistenceId(pid, shardCount))
        .map(away -> recordDegraded(pid, seqNr, away, "no other store node is up"))
        .orElseGet(() -> CompletableFuture.completedFuture(null));
  }

  // The write completes on this copy alone. Recorded durably before it completes, so the background catch-up sends
  // the events even if this node restarts before the replica returns (a failure here refuses the write like an
  // undecided partition).
  private CompletionStage<Void> recordDegraded(String pid, long seqNr, Address replica, String reason) {
    String node = replica.getHost().orElse("") + ":" + replica.getPort().orElse(0);
    try {
      behind.add(pid, node);
    } catch (UncheckedIOException e) {
      return CompletableFuture.failedFuture(e);
    }
    ReplicationCounters.journalWriteDegraded();
    ReplicationCounters.journalReplicaBehind(pid, node);
    LOG.warn("degraded_write kind=journal pid={} seq={} replica={} reason=\"{}\"", pid, seqNr, replica, reason);
    return CompletableFuture.completedFuture(null);
  }

  // While a store node is unreachable and not yet downed, the write waits for the Split Brain Resolver (about
  // stable-after once the node is marked unreachable) and tries again; a downed node fails at once.
  private CompletionStage<Void> waitForDecision(String pid, List<JournalStore.Entry> entries, long deadline,
                                                String refusal) {
    if (refusal.startsWith("self_downed") || refusal.startsWith("cluster_stopped") || System.nanoTime() > deadline) {
      return CompletableFuture.failedFuture(new ReplicaUnavailable(refusal));
    }
    CompletableFuture<Void> again = new CompletableFuture<>();
    system.scheduler().scheduleOnce(RECHECK, () -> replicate(pid, entries, deadline).whenComplete((v, failure) -> {
      if (failure != null) {
        again.completeExceptionally(failure);
      } else {
        again.complete(null);
      }
    }), system.dispatcher());
    return again;
  }

  // Sends the local events from..to in batches, each after the previous one is stored.
  private CompletionStage<Object> catchUp(ActorSelection target, String pid, long from, long to) {
    List<JournalReplication.Event> batch = JournalReplication.batch(store.read(pid, from, to, CATCH_UP_BATCH));
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture("nothing to catch up from " + from);
    }
    long next = batch.get(batch.size() - 1).seqNr() + 1;
    return Patterns.ask(target, new JournalReplication.Replicate(pid, batch), replicaTimeout)
        .thenCompose(reply -> reply instanceof JournalReplication.Replicated && next <= to
            ? catchUp(target, pid, next, to) : CompletableFuture.completedFuture(reply));
  }

  private void caughtUp(String pid) {
    ReplicationCounters.journalReplicaCaughtUp(pid);
    try {
      behind.remove(pid);
    } catch (UncheckedIOException e) {
      // The events are on both copies either way; the entry only costs one more catch-up later.
      LOG.warn("journal_behind_remove_failed pid={} reason=\"{}\"", pid, e.getMessage());
    }
  }

  // A write that a degraded write left behind on its replica may be the mailbox's last for a long time, so the
  // replica would never get it from a next write: every tick sends what the listed ids lack to their replica, if
  // one is reachable. One run at a time; an id stays listed until its replica confirms.
  private void startCatchUp() {
    if (catchUpRunning || behind.size() == 0) {
      return;
    }
    catchUpRunning = true;
    ActorRef self = self();
    Source.from(behind.persistenceIds(catchUpBatch))
        .mapAsyncUnordered(catchUpParallelism, this::catchUpOne)
        .runWith(Sink.fold(new int[Outcome.values().length], (acc, outcome) -> {
          acc[outcome.ordinal()]++;
          return acc;
        }), system)
        .whenComplete((counts, failure) -> self.tell(failure != null ? new CatchUpDone(0, 0, failure)
            : new CatchUpDone(counts[Outcome.SENT.ordinal()], counts[Outcome.FAILED.ordinal()], null),
            ActorRef.noSender()));
  }

  private void catchUpDone(CatchUpDone d) {
    catchUpRunning = false;
    if (d.failure() != null) {
      LOG.warn("journal_catchup_failed pending={} reason=\"{}\"", behind.size(), d.failure().toString());
    } else if (d.sent() + d.failed() > 0) {
      // Only runs that did something: while the replica is away every run would say the same.
      LOG.info("journal_catchup pending={} sent={} failed={}", behind.size(), d.sent(), d.failed());
    }
  }

  // The same exchange as a write's: the last local event goes first, and a replica that lacks earlier ones says
  // Behind and gets them from catchUp. WAITING while the shard has no reachable replica.
  private CompletionStage<Outcome> catchUpOne(String pid) {
    Optional<Address> replica = replicas.replicaOf(ReplicaNodes.shardOfPersistenceId(pid, shardCount));
    if (replica.isEmpty()) {
      return CompletableFuture.completedFuture(Outcome.WAITING);
    }
    long last = store.highest(pid);
    List<JournalStore.Entry> lastEvent = store.read(pid, last, last, 1);
    if (lastEvent.isEmpty()) {
      // Nothing left to send (taken back, or deleted here): the replica lacks nothing it could get.
      caughtUp(pid);
      return CompletableFuture.completedFuture(Outcome.SENT);
    }
    ActorSelection target = system.actorSelection(replica.get() + ReplicaReceiver.PATH);
    JournalStore.Entry lastEntry = lastEvent.get(0);
    // First ask whether the replica has `last` already: a Replicate would overwrite what it holds at that number,
    // and if the shard has moved on since (another node now writes this id), that is not ours to replace.
    return Patterns.ask(target, new JournalReplication.FetchAfter(pid, last - 1), replicaTimeout)
        .thenCompose(answer -> {
          if (answer instanceof JournalReplication.Events held && !held.events().isEmpty()) {
            JournalReplication.Event first = held.events().get(0);
            if (first.seqNr() != last || held.events().size() > 1
                || !java.util.Arrays.equals(first.bytes(), lastEntry.bytes())) {
              LOG.warn("journal_catchup_skipped pid={} replica={} reason=replica_ahead seq={}", pid, replica.get(),
                  last);
            }
            return CompletableFuture.<Object>completedFuture(
                new JournalReplication.Replicated(pid, held.events().get(held.events().size() - 1).seqNr()));
          }
          return Patterns.ask(target, new JournalReplication.Replicate(pid,
                  List.of(JournalReplication.Event.of(lastEntry))), replicaTimeout)
              .thenCompose(reply -> reply instanceof JournalReplication.Behind b
                  ? catchUp(target, pid, b.highest() + 1, last) : CompletableFuture.completedFuture(reply));
        })
        .handle((reply, failure) -> {
          // A write after `last` that was degraded again keeps its entry: the replica lacks that one.
          if (reply instanceof JournalReplication.Replicated r && store.highest(pid) <= r.highest()) {
            caughtUp(pid);
            return Outcome.SENT;
          }
          return Outcome.FAILED;
        });
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                           Consumer<PersistentRepr> replayCallback) {
    try {
      for (JournalStore.Entry e : store.read(persistenceId, fromSequenceNr, toSequenceNr, max)) {
        replayCallback.accept(serialization.deserialize(e.bytes(), PersistentRepr.class).get());
      }
      return Futures.successful(null);
    } catch (RuntimeException e) {
      return Futures.failed(e);
    }
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    long local = store.highest(persistenceId);
    List<ActorSelection> others = new ArrayList<>();
    if (replicas != null) {
      for (Address node : replicas.others()) {
        others.add(context().actorSelection(node + ReplicaReceiver.PATH));
      }
    }
    if (others.isEmpty()) {
      return Futures.successful(local);
    }
    return FutureConverters.asScala(fetchAfter(persistenceId, local, others).toCompletableFuture());
  }

  // Asks every other store node for events after `highest`, stores the longest contiguous answer, and asks again
  // until no node has more (an answer is cut to one message's worth).
  private CompletionStage<Long> fetchAfter(String pid, long highest, List<ActorSelection> others) {
    List<CompletableFuture<Object>> answers = new ArrayList<>();
    for (ActorSelection node : others) {
      answers.add(Patterns.ask(node, new JournalReplication.FetchAfter(pid, highest), catchUpTimeout)
          .exceptionally(failure -> failure).toCompletableFuture());
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      List<JournalReplication.Event> best = List.of();
      for (CompletableFuture<Object> a : answers) {
        if (a.join() instanceof JournalReplication.Events e && !e.events().isEmpty()
            && e.events().get(0).seqNr() == highest + 1 && e.events().size() > best.size()) {
          best = e.events();
        }
      }
      if (best.isEmpty()) {
        return CompletableFuture.completedFuture(highest);
      }
      store.write(pid, best.stream().map(JournalReplication.Event::entry).toList());
      long next = best.get(best.size() - 1).seqNr();
      LOG.info("recovery_catch_up pid={} from={} to={}", pid, highest + 1, next);
      return fetchAfter(pid, next, others);
    });
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    // Local only: no Mailhive entity deletes events today; a replica keeps them until its own compaction.
    try {
      store.deleteTo(persistenceId, toSequenceNr);
      return Futures.successful(null);
    } catch (RuntimeException e) {
      return Futures.failed(e);
    }
  }

  // The ask's own exception (AskTimeoutException, ActorNotFound), not the CompletionException around it.
  static String reasonOf(Throwable failure) {
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return t instanceof ReplicaUnavailable ? t.getMessage() : t.getClass().getSimpleName();
  }
}
