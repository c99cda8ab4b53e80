package org.mailhive.node.admin;

import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.mailhive.journal.ReplicationCounters;
import org.mailhive.net.LiveConnections;
import org.mailhive.net.SessionEnd;
import org.mailhive.serialization.CborSerializable;

/**
 * One per node, registered with the receptionist under {@link #KEY}: what the admin API of any node asks every
 * node for, because only that node knows it (its client sessions, its replication counters) or can do it (end its
 * sessions of a user, {@code mailhive-admin kick}).
 */
public final class NodeControl {
  private NodeControl() {}

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "mailhive-node-control");

  public sealed interface Command extends CborSerializable {}

  /** End every session of {@code user} on this node, each after its command in flight. */
  public record Kick(String user, ActorRef<Kicked> replyTo) implements Command {}

  public record Kicked(String node, int sessions) implements CborSerializable {}

  public record Describe(ActorRef<Described> replyTo) implements Command {}

  /**
   * This node's own figures for {@code cluster status}; {@code pendingBlobCopies} are bodies stored here on one
   * copy that the background catch-up has yet to get onto their replica. The replica lag: persistence ids
   * (mailboxes, accounts, queues) whose last write their replica lacks, per replica node and per shard, and bodies
   * pending a copy per shard; {@code refusedJournalWrites} were not acknowledged because no replica could take
   * them while a partition was undecided.
   */
  public record Described(String node, int connections, long degradedJournalWrites, long degradedBlobWrites,
                          long pendingBlobCopies, Map<String, Long> journalBehindByReplica,
                          Map<String, Long> journalBehindByShard, Map<String, Long> blobsPendingByShard,
                          long refusedJournalWrites) implements CborSerializable {}

  /**
   * @param node this node's key ({@code host:port} of its cluster address)
   * @param kickTimeout how long a kicked session's command in flight may take before the goodbye goes out anyway
   * @param shardCount {@code mailhive.cluster.shard-count}, to name the shard of a lagging persistence id
   */
  public static Behavior<Command> create(String node, Duration kickTimeout, int shardCount) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      LiveConnections live = LiveConnections.of(ctx.getSystem());
      return Behaviors.receive(Command.class)
          .onMessage(Kick.class, m -> {
            int n = live.endSessionsOf(m.user(), SessionEnd.ADMIN_KICK, kickTimeout);
            ctx.getLog().info("admin_kick user={} sessions={}", m.user(), n);
            m.replyTo().tell(new Kicked(node, n));
            return Behaviors.same();
          })
          .onMessage(Describe.class, m -> {
            m.replyTo().tell(new Described(node, live.count(), ReplicationCounters.degradedJournalWrites(),
                ReplicationCounters.degradedBlobWrites(), ReplicationCounters.pendingBlobCopies(),
                ReplicationCounters.journalBehindByReplica(), ReplicationCounters.journalBehindByShard(shardCount),
                ReplicationCounters.pendingBlobCopiesByShard(), ReplicationCounters.refusedJournalWrites()));
            return Behaviors.same();
          })
          .build();
    });
  }
}
