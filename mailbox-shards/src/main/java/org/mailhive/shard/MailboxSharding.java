package org.mailhive.shard;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.mailhive.mailbox.MailboxEntity;
import org.mailhive.mailbox.MailboxProtocol;

/**
 * Starts Cluster Sharding for {@link MailboxEntity} and hands out location-transparent refs to mailboxes.
 * Entities run only on nodes with the {@code store} role; other nodes get a proxy.
 */
public final class MailboxSharding {
  public static final EntityTypeKey<MailboxProtocol.Command> TYPE_KEY =
      EntityTypeKey.create(MailboxProtocol.Command.class, "Mailbox");
  public static final String STORE_ROLE = "store";

  private final ClusterSharding sharding;

  private MailboxSharding(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  public static MailboxSharding init(ActorSystem<?> system, int shardCount) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(TYPE_KEY, ctx -> MailboxEntity.create(ctx.getEntityId()))
        .withMessageExtractor(new UserShardExtractor<>(shardCount))
        .withRole(STORE_ROLE));
    return new MailboxSharding(sharding);
  }

  public EntityRef<MailboxProtocol.Command> mailbox(MailboxAddress address) {
    return sharding.entityRefFor(TYPE_KEY, address.entityId());
  }
}
