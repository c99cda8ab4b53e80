package org.mailhive.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background catch-up of bodies: every {@code interval} it takes up to {@code batch} entries of this node's
 * {@link PendingCopies} (bodies stored on one copy because the replica did not answer) and sends each to the
 * shard's replica as it is now, {@code parallelism} at a time; an entry is removed only after the replica's
 * Stored, so a replica that is still away keeps it pending for the next run. "The replica" is the one the
 * shard's bodies belong on ({@link BlobReplica#intendedReplicaOf}): while that node is away for a restart its
 * entries wait for it rather than go to the stand-in, which took its copy at write time. One run at a time; progress is
 * logged as {@code blob_catchup pending=N sent=M failed=F} after each run that had work, and the pending count is
 * what {@code cluster status} shows ({@link org.mailhive.journal.ReplicationCounters#pendingBlobCopies}).
 */
public final class BlobCatchUp {
  // A named logger, not the actor's: the node's log configuration shows org.mailhive at INFO.
  private static final Logger LOG = LoggerFactory.getLogger(BlobCatchUp.class);

  private BlobCatchUp() {}

  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Up(Member member) implements Command {}

  private record RunDone(int sent, int failed, Throwable failure) implements Command {}

  private enum Outcome { SENT, WAITING, FAILED }

  public static Behavior<Command> create(BlobStore store, BlobReplica replica, Executor io, Duration interval,
                                         int batch, int parallelism) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      // Every store node that comes up is remembered at once, so one that leaves soon after still counts as the
      // replica its shards' bodies belong on (BlobReplica.intendedReplicaOf).
      Cluster.get(ctx.getSystem()).subscriptions().tell(
          Subscribe.create(
              ctx.messageAdapter(ClusterEvent.MemberUp.class, e -> new Up(e.member())),
              ClusterEvent.MemberUp.class));
      return idle(ctx, store, replica, io, batch, parallelism);
    }));
  }

  private static Behavior<Command> idle(ActorContext<Command> ctx, BlobStore store, BlobReplica replica, Executor io,
                                        int batch, int parallelism) {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, t -> {
          replica.observeMembers();
          PendingCopies pending = replica.pending();
          if (pending.count() == 0) {
            return Behaviors.same();
          }
          CompletionStage<int[]> run = CompletableFuture.supplyAsync(() -> {
                try {
                  return pending.list(batch);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }, io)
              .thenCompose(entries -> Source.from(entries)
                  .mapAsyncUnordered(parallelism, e -> sendOne(store, replica, io, e))
                  .runWith(Sink.fold(new int[3], (acc, outcome) -> {
                    acc[outcome.ordinal()]++;
                    return acc;
                  }), ctx.getSystem()));
          ctx.pipeToSelf(run, (counts, failure) -> failure != null ? new RunDone(0, 0, failure)
              : new RunDone(counts[Outcome.SENT.ordinal()], counts[Outcome.FAILED.ordinal()], null));
          return running(ctx, store, replica, io, batch, parallelism);
        })
        .onMessage(RunDone.class, d -> Behaviors.same())
        .onMessage(Up.class, u -> {
          replica.rememberUp(u.member());
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Command> running(ActorContext<Command> ctx, BlobStore store, BlobReplica replica,
                                           Executor io, int batch, int parallelism) {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, t -> Behaviors.same())
        .onMessage(Up.class, u -> {
          replica.rememberUp(u.member());
          return Behaviors.same();
        })
        .onMessage(RunDone.class, d -> {
          if (d.failure() != null) {
            LOG.warn("blob_catchup_failed pending={} reason=\"{}\"", replica.pending().count(),
                d.failure().toString());
          } else if (d.sent() + d.failed() > 0) {
            // Only runs that did something: while the replica is away every run would say the same.
            LOG.info("blob_catchup pending={} sent={} failed={}", replica.pending().count(), d.sent(),
                d.failed());
          }
          return idle(ctx, store, replica, io, batch, parallelism);
        })
        .build();
  }

  // SENT once the entry is gone: acknowledged by the shard's replica, or its body is not on this node at all.
  // WAITING while the replica the body belongs on is away (a restart) or no other store node is up.
  private static CompletionStage<Outcome> sendOne(BlobStore store, BlobReplica replica, Executor io,
                                                  PendingCopies.Entry e) {
    var node = replica.replicaOf(e.shardId());
    if (node.isEmpty() || !node.equals(replica.intendedReplicaOf(e.shardId()))) {
      return CompletableFuture.completedFuture(Outcome.WAITING);
    }
    if (!store.contains(e.blobId())) {
      return CompletableFuture.supplyAsync(() -> {
        replica.pending().remove(e);
        return Outcome.SENT;
      }, io);
    }
    return store.get(e.blobId())
        .thenCompose(bytes -> replica.send(node.get(), e.blobId().hex(), bytes))
        .thenApplyAsync(reason -> {
          if (!reason.isEmpty()) {
            return Outcome.FAILED;
          }
          replica.pending().remove(e);
          return Outcome.SENT;
        }, io)
        .exceptionally(failure -> Outcome.FAILED);
  }

}
