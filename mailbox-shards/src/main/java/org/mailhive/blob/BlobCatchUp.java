package org.mailhive.blob;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Background catch-up of bodies: every {@code interval} it takes up to {@code batch} entries of this node's
 * {@link PendingCopies} (bodies stored on one copy because the replica did not answer) and sends each to the
 * shard's replica as it is now, {@code parallelism} at a time; an entry is removed only after the replica's
 * Stored, so a replica that is still away keeps it pending for the next run. One run at a time; progress is
 * logged as {@code blob_catchup pending=N sent=M failed=F} after each run that had work, and the pending count is
 * what {@code cluster status} shows ({@link org.mailhive.journal.ReplicationCounters#pendingBlobCopies}).
 */
public final class BlobCatchUp {
  private BlobCatchUp() {}

  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record RunDone(int sent, int failed, Throwable failure) implements Command {}

  public static Behavior<Command> create(BlobStore store, BlobReplica replica, Executor io, Duration interval,
                                         int batch, int parallelism) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      return idle(ctx, store, replica, io, batch, parallelism);
    }));
  }

  private static Behavior<Command> idle(ActorContext<Command> ctx, BlobStore store, BlobReplica replica, Executor io,
                                        int batch, int parallelism) {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, t -> {
          PendingCopies pending = replica.pending();
          if (pending.count() == 0) {
            return Behaviors.same();
          }
          CompletionStage<int[]> run = CompletableFuture.supplyAsync(() -> {
                try {
                  return pending.list(batch);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }, io)
              .thenCompose(entries -> Source.from(entries)
                  .mapAsyncUnordered(parallelism, e -> sendOne(store, replica, io, e))
                  .runWith(Sink.fold(new int[2], (acc, ok) -> {
                    acc[ok ? 0 : 1]++;
                    return acc;
                  }), ctx.getSystem()));
          ctx.pipeToSelf(run, (counts, failure) -> failure != null ? new RunDone(0, 0, failure)
              : new RunDone(counts[0], counts[1], null));
          return running(ctx, store, replica, io, batch, parallelism);
        })
        .onMessage(RunDone.class, d -> Behaviors.same())
        .build();
  }

  private static Behavior<Command> running(ActorContext<Command> ctx, BlobStore store, BlobReplica replica,
                                           Executor io, int batch, int parallelism) {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, t -> Behaviors.same())
        .onMessage(RunDone.class, d -> {
          if (d.failure() != null) {
            ctx.getLog().warn("blob_catchup_failed pending={} reason=\"{}\"", replica.pending().count(),
                d.failure().toString());
          } else {
            ctx.getLog().info("blob_catchup pending={} sent={} failed={}", replica.pending().count(), d.sent(),
                d.failed());
          }
          return idle(ctx, store, replica, io, batch, parallelism);
        })
        .build();
  }

  // True once the entry is gone: sent and acknowledged, or its body is not on this node at all (nothing to send).
  private static CompletionStage<Boolean> sendOne(BlobStore store, BlobReplica replica, Executor io,
                                                  PendingCopies.Entry e) {
    var node = replica.replicaOf(e.shardId());
    if (node.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    if (!store.contains(e.blobId())) {
      return CompletableFuture.supplyAsync(() -> {
        replica.pending().remove(e);
        return true;
      }, io);
    }
    return store.get(e.blobId())
        .thenCompose(bytes -> replica.send(node.get(), e.blobId().hex(), bytes))
        .thenApplyAsync(reason -> {
          if (!reason.isEmpty()) {
            return false;
          }
          replica.pending().remove(e);
          return true;
        }, io)
        .exceptionally(failure -> false);
  }

}
