package org.mailhive.blob;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import org.mailhive.journal.ReplicationCounters;
import org.mailhive.shard.ReplicaNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second copy of a body: the {@link BlobEntity} of a shard's primary sends every body it stores to the
 * receiver at {@value #PATH} on the shard's replica node ({@link ReplicaNodes}), which is a plain BlobEntity
 * storing into that node's {@link BlobStore}, and replies Stored only after both copies are synced. With no other
 * store node, one copy is all there is; when the replica does not answer within the timeout the body is kept on
 * one copy, {@code degraded_write kind=blob} is logged and counted, and the body is recorded in the
 * {@link PendingCopies} that {@link BlobCatchUp} works off once the replica is back. The other way round,
 * {@link #fetch} reads a body this node lacks from the other store nodes of the shard (read repair).
 */
public final class BlobReplica {
  private static final Logger LOG = LoggerFactory.getLogger(BlobReplica.class);
  public static final String NAME = "blob-replica";
  public static final String PATH = "/user/" + NAME;

  private final ActorSystem<?> system;
  private final ReplicaNodes replicas;
  private final Duration timeout;
  private final int chunkSize;
  private final PendingCopies pending;
  private final Duration repairTimeout;
  private final Executor io;
  // Set once another store node has taken a copy: from then on a write with no replica up is a degraded write to
  // catch up later. A node that never had a peer (a single-node installation) records nothing.
  private volatile boolean peerSeen;

  /**
   * @param pending where bodies kept on one copy are recorded for {@link BlobCatchUp}
   * @param repairTimeout how long a read that misses locally may spend fetching the body from other store nodes
   * @param io where the pending list's disk writes run (the blob store's executor), never an actor's thread
   */
  public BlobReplica(ActorSystem<?> system, Duration timeout, int chunkSize, PendingCopies pending,
                     Duration repairTimeout, Executor io) {
    this(system, timeout, chunkSize, pending, repairTimeout, io, Duration.ZERO);
  }

  /**
   * @param rememberAbsent how long a store node that went away (a restart) still counts as the replica its
   *     shards' bodies belong on: bodies written meanwhile go to the next node and are also kept pending for it
   */
  public BlobReplica(ActorSystem<?> system, Duration timeout, int chunkSize, PendingCopies pending,
                     Duration repairTimeout, Executor io, Duration rememberAbsent) {
    this.io = io;
    this.system = system;
    this.replicas = new ReplicaNodes(Cluster.get(Adapter.toClassic(system)), rememberAbsent);
    this.timeout = timeout;
    this.chunkSize = chunkSize;
    this.pending = pending;
    this.repairTimeout = repairTimeout;
  }

  public PendingCopies pending() {
    return pending;
  }

  /**
   * Completes when the replica has the body, or when it is degraded (logged, counted and recorded in the
   * {@link PendingCopies} before completing, so the catch-up cannot miss it); fails only if that record fails.
   */
  public CompletionStage<Void> copy(String shardId, String blobId, ByteString body) {
    Optional<Address> node = replicas.replicaOf(shardId);
    if (node.isEmpty()) {
      return peerSeen ? CompletableFuture.runAsync(() -> degraded(shardId, blobId, "none", "no other store node up"), io)
          : CompletableFuture.completedFuture(null);
    }
    peerSeen = true;
    Optional<Address> intended = replicas.intendedReplicaOf(shardId);
    return send(node.get(), blobId, body).thenAcceptAsync(reason -> {
      if (!reason.isEmpty()) {
        degraded(shardId, blobId, node.get().toString(), reason);
      } else if (!intended.equals(node)) {
        // Two copies now, but not on the shard's own replica, which is away (restarting): it gets the body from
        // the catch-up when it is back, so that a failover to it finds the body there.
        pending.add(new PendingCopies.Entry(shardId, new BlobId(blobId)));
      }
    }, io);
  }

  private void degraded(String shardId, String blobId, String replica, String reason) {
    ReplicationCounters.blobWriteDegraded();
    LOG.warn("degraded_write kind=blob blob={} shard={} replica={} reason=\"{}\"", blobId, shardId, replica, reason);
    pending.add(new PendingCopies.Entry(shardId, new BlobId(blobId)));
  }

  /** The node that should have the second copy of the shard's bodies now, seen from this node. */
  public Optional<Address> replicaOf(String shardId) {
    return replicas.replicaOf(shardId);
  }

  /** Remembers which store nodes are up now (see {@link ReplicaNodes#observe}). */
  public void observeMembers() {
    replicas.observe();
  }

  public void rememberUp(Member m) {
    replicas.rememberUp(m);
  }

  /** The shard's replica counting store nodes that are away for a restart ({@link ReplicaNodes}). */
  public Optional<Address> intendedReplicaOf(String shardId) {
    return replicas.intendedReplicaOf(shardId);
  }

  /**
   * Puts the body into the receiver of {@code node}; completes with "" once it is stored there, or with the
   * reason it is not (timeout, no receiver, NotStored). Never fails.
   */
  public CompletionStage<String> send(Address node, String blobId, ByteString body) {
    return Adapter.toClassic(system).actorSelection(node + PATH).resolveOne(timeout)
        .thenCompose(classic -> {
          ActorRef<BlobProtocol.Command> receiver = Adapter.toTyped(classic);
          return AskPattern.<BlobProtocol.Command, BlobProtocol.PutReply>ask(receiver,
              replyTo -> new BlobProtocol.Put(blobId, body.size(),
                  Source.from(BodyChunks.of(body, chunkSize)).runWith(StreamRefs.sourceRef(), system), replyTo),
              timeout, system.scheduler());
        })
        .handle((reply, failure) -> reply instanceof BlobProtocol.Stored ? ""
            : failure != null ? reasonOf(failure) : String.valueOf(reply));
  }

  /**
   * Read repair: the body from the first other store node of the shard's rendezvous order that has it (the
   * previous primary or the replica; after a failover or a restart one of them kept the copy this node missed),
   * asking them one after the other within the repair timeout in all. Empty when none has it in time.
   */
  public CompletionStage<Optional<ByteString>> fetch(String shardId, BlobId blobId) {
    List<Address> order = new ArrayList<>();
    for (Address a : replicas.ranking(shardId)) {
      if (!a.equals(Cluster.get(Adapter.toClassic(system)).selfAddress())) {
        order.add(a);
      }
    }
    long deadline = System.nanoTime() + repairTimeout.toNanos();
    return fetchFrom(order, 0, blobId, deadline);
  }

  private CompletionStage<Optional<ByteString>> fetchFrom(List<Address> order, int i, BlobId blobId, long deadline) {
    long left = deadline - System.nanoTime();
    if (i >= order.size() || left <= 0) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Duration wait = Duration.ofNanos(left);
    return Adapter.toClassic(system).actorSelection(order.get(i) + PATH).resolveOne(wait)
        .thenCompose(classic -> AskPattern.<BlobProtocol.Command, BlobProtocol.GetReply>ask(
            Adapter.toTyped(classic), replyTo -> new BlobProtocol.Get(blobId.hex(), replyTo), wait,
            system.scheduler()))
        .thenCompose(reply -> {
          if (reply instanceof BlobProtocol.Body found) {
            return found.body().getSource().limitWeighted(found.size(), chunk -> (long) chunk.size())
                .completionTimeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                .runWith(Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat), system)
                .thenApply(bytes -> BlobStore.idOf(bytes).equals(blobId) ? Optional.of(bytes)
                    : Optional.<ByteString>empty());
          }
          return CompletableFuture.completedFuture(Optional.<ByteString>empty());
        })
        .exceptionally(failure -> {
          LOG.debug("blob_repair_miss blob={} node={} reason={}", blobId, order.get(i), reasonOf(failure));
          return Optional.empty();
        })
        .thenCompose(got -> got.isPresent() ? CompletableFuture.completedFuture(got)
            : fetchFrom(order, i + 1, blobId, deadline));
  }

  // The ask's own exception (AskTimeoutException, ActorNotFound), not the CompletionException around it.
  static String reasonOf(Throwable failure) {
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return t.getClass().getSimpleName();
  }
}
