package org.mailhive.shard;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Shard id = hash of the user, not of the whole entity id: all mailboxes, the message bodies (and later the
 * account) of one user live in one shard, so on one node. CRC32 is stable across JVMs and versions, which String.hashCode of
 * a whole id would also be, but CRC32 spreads similar names (demo1, demo2, …) better.
 */
public final class UserShardExtractor<M> extends ShardingMessageExtractor<ShardingEnvelope<M>, M> {
  private final int shardCount;

  public UserShardExtractor(int shardCount) {
    this.shardCount = shardCount;
  }

  public static String shardOfUser(String user, int shardCount) {
    CRC32 crc = new CRC32();
    crc.update(user.getBytes(StandardCharsets.UTF_8));
    return Long.toString(crc.getValue() % shardCount);
  }

  @Override
  public String entityId(ShardingEnvelope<M> envelope) {
    return envelope.entityId();
  }

  /** Mailbox ids are {@code user:mailbox}; a per-user entity (the user's bodies) has the bare user as its id. */
  @Override
  public String shardId(String entityId) {
    int at = entityId.indexOf(MailboxAddress.SEPARATOR);
    return shardOfUser(at < 0 ? entityId : entityId.substring(0, at), shardCount);
  }

  @Override
  public M unwrapMessage(ShardingEnvelope<M> envelope) {
    return envelope.message();
  }
}
