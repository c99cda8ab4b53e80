package org.mailhive.shard;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.sharding.typed.javadsl.StartEntity;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.actor.typed.Props;
import org.mailhive.blob.BlobCatchUp;
import org.mailhive.blob.BlobEntity;
import org.mailhive.blob.BlobProtocol;
import org.mailhive.blob.BlobReplica;
import org.mailhive.blob.BlobStore;
import org.mailhive.blob.PendingCopies;
import org.mailhive.journal.ReplicationCounters;
import org.mailhive.mailbox.MailboxEntity;
import org.mailhive.mailbox.MailboxProtocol;

/**
 * Starts Cluster Sharding for {@link MailboxEntity} and {@link BlobEntity} and hands out location-transparent refs
 * to them. Entities run only on nodes with the {@code store} role; other nodes get a proxy. Both entity types use
 * the same user hash and the same {@link RendezvousAllocationStrategy}, so a user's mailboxes and bodies share a
 * node.
 */
public final class MailboxSharding {
  public static final EntityTypeKey<MailboxProtocol.Command> TYPE_KEY =
      EntityTypeKey.create(MailboxProtocol.Command.class, "Mailbox");
  public static final EntityTypeKey<BlobProtocol.Command> BLOB_TYPE_KEY =
      EntityTypeKey.create(BlobProtocol.Command.class, "Blob");
  public static final String STORE_ROLE = "store";
  // Shards moved off a drained node at once; small so that a drain does not stall every moved user together.
  private static final int DRAIN_MOVES_AT_ONCE = 10;
  // Pending body copies read per admin status request to count them by shard (the total comes from a counter).
  private static final int PENDING_LISTED_FOR_STATUS = 100_000;

  private final ClusterSharding sharding;
  private final HandOffRetry retry;

  private MailboxSharding(ClusterSharding sharding, HandOffRetry retry) {
    this.sharding = sharding;
    this.retry = retry;
  }

  /**
   * @param blobs this node's blob store on a store node; null on an edge-only node, which never hosts entities
   * @param bodyChunkSize largest piece of a body sent between nodes in one message
   */
  /** Every user-sharded entity type uses this placement, so one user's entities share a node (affinity). */
  public static RendezvousAllocationStrategy allocationStrategy() {
    return new RendezvousAllocationStrategy(DRAIN_MOVES_AT_ONCE);
  }

  public static MailboxSharding init(ActorSystem<?> system, int shardCount, BlobStore blobs, int bodyChunkSize) {
    ClusterSharding sharding = ClusterSharding.get(system);
    var conf = system.settings().config().getConfig("mailhive.replication");
    BlobReplica replica = null;
    if (blobs != null) {
      // "pending-copies" cannot clash with the two-hex-digit fan-out directories of the bodies.
      PendingCopies pending = new PendingCopies(blobs.root().resolve("pending-copies"));
      ReplicationCounters.pendingBlobCopiesFrom(pending::count);
      ReplicationCounters.pendingBlobCopiesByShardFrom(() -> pending.countByShard(PENDING_LISTED_FOR_STATUS));
      replica = new BlobReplica(system, conf.getDuration("blob-timeout"), bodyChunkSize, pending,
          conf.getDuration("read-repair-timeout"), blobs.io(), conf.getDuration("catch-up.remember-absent-node"));
      system.systemActorOf(BlobCatchUp.create(blobs, replica, blobs.io(), conf.getDuration("catch-up.interval"),
          conf.getInt("catch-up.batch"), conf.getInt("catch-up.parallelism")), "blob-catchup", Props.empty());
    }
    BlobReplica blobReplica = replica;
    ActorRef<ShardingEnvelope<MailboxProtocol.Command>> mailboxes =
        sharding.init(Entity.of(TYPE_KEY, ctx -> MailboxEntity.create(ctx.getEntityId()))
        .withMessageExtractor(new UserShardExtractor<>(shardCount))
        .withAllocationStrategy(allocationStrategy())
        .withRole(STORE_ROLE));
    ActorRef<ShardingEnvelope<BlobProtocol.Command>> bodies = sharding.init(Entity.of(BLOB_TYPE_KEY, ctx -> {
          if (blobs == null) {
            throw new IllegalStateException("blob entity started on a node without the store role");
          }
          return BlobEntity.create(blobs, bodyChunkSize, blobReplica,
              new UserShardExtractor<>(shardCount).shardId(ctx.getEntityId()));
        })
        .withMessageExtractor(new UserShardExtractor<>(shardCount))
        .withAllocationStrategy(allocationStrategy())
        .withRole(STORE_ROLE));
    HandOffRetry retry = HandOffRetry.get(system);
    // The INBOX (the mailbox id delivery appends to) and the bodies: what a client's SELECT and FETCH need.
    retry.startOnHandOff(Set.of(TYPE_KEY, BLOB_TYPE_KEY), user -> {
      mailboxes.tell(StartEntity.create(MailboxProtocol.Command.class, new MailboxAddress(user, "INBOX").entityId()));
      bodies.tell(StartEntity.create(BlobProtocol.Command.class, user));
    });
    return new MailboxSharding(sharding, retry);
  }

  public EntityRef<MailboxProtocol.Command> mailbox(MailboxAddress address) {
    return sharding.entityRefFor(TYPE_KEY, address.entityId());
  }

  /** The entity that keeps the message bodies of {@code user}. */
  public EntityRef<BlobProtocol.Command> bodies(String user) {
    return sharding.entityRefFor(BLOB_TYPE_KEY, user);
  }

  /** Asks a mailbox, again through a fail-over if need be ({@link HandOffRetry}). */
  public <R> CompletionStage<R> ask(MailboxAddress address,
                                    Function<ActorRef<R>, MailboxProtocol.Command> message, Duration timeout) {
    return retry.ask(mailbox(address), message, timeout);
  }

  /** Asks the body store of {@code user}, again through a fail-over if need be ({@link HandOffRetry}). */
  public <R> CompletionStage<R> askBodies(String user, Function<ActorRef<R>, BlobProtocol.Command> message,
                                          Duration timeout) {
    return retry.ask(bodies(user), message, timeout);
  }
}
