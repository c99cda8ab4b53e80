package org.mailhive.queue;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.mailhive.shard.HandOffRetry;
import org.mailhive.shard.MailboxSharding;
import org.mailhive.shard.UserShardExtractor;

/**
 * Cluster Sharding for {@link QueueEntity}. Partition {@code n} has the entity id {@code queue-n}; it is placed like
 * a user of that name (same extractor and allocation strategy), and its bodies are kept by the blob entity of the
 * same name, so a partition's journal and bodies share a node and are replicated to the same second node. A queue
 * id contains no "@", so it never collides with a user's blob entity.
 */
public final class QueueSharding {
  public static final EntityTypeKey<QueueProtocol.Command> TYPE_KEY =
      EntityTypeKey.create(QueueProtocol.Command.class, "Queue");

  private final ClusterSharding sharding;
  private final int partitions;
  private final HandOffRetry retry;

  private QueueSharding(ClusterSharding sharding, int partitions, HandOffRetry retry) {
    this.sharding = sharding;
    this.partitions = partitions;
    this.retry = retry;
  }

  public static QueueSharding init(ActorSystem<?> system, int shardCount, int partitions) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(TYPE_KEY, ctx -> QueueEntity.create(ctx.getEntityId()))
        .withMessageExtractor(new UserShardExtractor<>(shardCount))
        .withRole(MailboxSharding.STORE_ROLE)
        .withAllocationStrategy(MailboxSharding.allocationStrategy()));
    return new QueueSharding(sharding, partitions, HandOffRetry.get(system));
  }

  public static String partitionId(int n) {
    return "queue-" + n;
  }

  public int partitions() {
    return partitions;
  }

  public EntityRef<QueueProtocol.Command> partition(String partitionId) {
    return sharding.entityRefFor(TYPE_KEY, partitionId);
  }

  /** Asks a queue partition, again through a fail-over if need be ({@link HandOffRetry}). */
  public <R> CompletionStage<R> ask(String partitionId, Function<ActorRef<R>, QueueProtocol.Command> message,
                                    Duration timeout) {
    return retry.ask(partition(partitionId), message, timeout);
  }
}
