package org.mailhive.account;

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
import org.mailhive.shard.HandOffRetry;
import org.mailhive.shard.MailboxSharding;
import org.mailhive.shard.UserShardExtractor;

/**
 * Cluster Sharding for {@link AccountEntity}. The entity id is {@code user:} (a mailbox address with an empty
 * mailbox), so the same {@link UserShardExtractor} gives it the shard id of the user's mailboxes, and the same
 * allocation strategy puts that shard on the same node as the user's mailboxes and bodies.
 */
public final class AccountSharding {
  public static final EntityTypeKey<AccountProtocol.Command> TYPE_KEY =
      EntityTypeKey.create(AccountProtocol.Command.class, "Account");

  private final ClusterSharding sharding;
  private final HandOffRetry retry;

  private AccountSharding(ClusterSharding sharding, HandOffRetry retry) {
    this.sharding = sharding;
    this.retry = retry;
  }

  public static AccountSharding init(ActorSystem<?> system, int shardCount) {
    ClusterSharding sharding = ClusterSharding.get(system);
    ActorRef<ShardingEnvelope<AccountProtocol.Command>> accounts =
        sharding.init(Entity.of(TYPE_KEY, ctx -> AccountEntity.create(ctx.getEntityId()))
        .withMessageExtractor(new UserShardExtractor<>(shardCount))
        .withRole(MailboxSharding.STORE_ROLE)
        .withAllocationStrategy(MailboxSharding.allocationStrategy()));
    HandOffRetry retry = HandOffRetry.get(system);
    retry.startOnHandOff(Set.of(TYPE_KEY),
        user -> accounts.tell(StartEntity.create(AccountProtocol.Command.class, entityId(user))));
    return new AccountSharding(sharding, retry);
  }

  public static String entityId(String user) {
    return user + ":";
  }

  public EntityRef<AccountProtocol.Command> account(String user) {
    return sharding.entityRefFor(TYPE_KEY, entityId(user));
  }

  /** Asks the account entity of {@code user}, again through a fail-over if need be ({@link HandOffRetry}). */
  public <R> CompletionStage<R> ask(String user, Function<ActorRef<R>, AccountProtocol.Command> message,
                                    Duration timeout) {
    return retry.ask(account(user), message, timeout);
  }
}
