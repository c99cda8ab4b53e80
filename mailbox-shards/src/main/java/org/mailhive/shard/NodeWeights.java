package org.mailhive.shard;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * The weight of each store node for shard placement: the one an admin set at runtime ({@code mailhive-admin weight
 * NODE N}, like {@code doveadm director add HOST N}) if any, else the one the node started with (its
 * {@link ShardWeights} role). Runtime weights are a Distributed Data {@code LWWMap} ({@value #KEY_ID}, node key
 * {@code host:port} to weight), durable, so every node's {@link RendezvousAllocationStrategy} and
 * {@link ReplicaNodes} see the same weights within a gossip round and a restart of the whole cluster keeps them.
 * One instance per actor system (a Pekko extension).
 */
public final class NodeWeights implements Extension {
  public static final String KEY_ID = "mailhive-node-weights";
  static final Key<LWWMap<String, Integer>> KEY = LWWMapKey.create(KEY_ID);
  private static final Duration WRITE_ALL_TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private volatile Map<String, Integer> overrides = Map.of();

  private NodeWeights(ActorSystem<?> system) {
    this.system = system;
  }

  public static NodeWeights of(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** The weight placement uses for {@code member} now. */
  public int weightOf(Member member) {
    Integer set = overrides.get(RendezvousAllocationStrategy.nodeKey(member.address()));
    return set != null ? set : ShardWeights.of(member.getRoles());
  }

  /** The weights set at runtime, by node key ({@code host:port}). */
  public Map<String, Integer> overrides() {
    java.util.Map<String, Integer> weights = new java.util.HashMap<>(overrides);
    weights.remove(FLUSH_KEY);
    return Map.copyOf(weights);
  }

  // The last flush request (epoch seconds) travels in the same replicated map under a key no node key can be
  // (node keys are host:port), so it reaches the coordinator, wherever it runs, with the weights.
  static final String FLUSH_KEY = "flush-requested-at";

  /** When an admin last asked for a flush, in epoch seconds; 0 if never. */
  public long flushRequestedAt() {
    return overrides.getOrDefault(FLUSH_KEY, 0);
  }

  /**
   * Asks the shard coordinator to move every shard to the first node of its rendezvous order now ({@code mailhive-admin
   * flush}, like {@code doveadm director flush}); completes as {@link #set} does.
   */
  public CompletionStage<Boolean> flush() {
    return put(FLUSH_KEY, (int) (System.currentTimeMillis() / 1000));
  }

  /** Follows the replicated weights from now on; the node calls this once as its actor system starts. */
  public void follow(ActorContext<?> ctx) {
    ActorRef<Replicator.Command> replicator = DistributedData.get(system).replicator();
    ctx.spawn(Behaviors.<Replicator.SubscribeResponse<LWWMap<String, Integer>>>setup(sub -> {
      replicator.tell(new Replicator.Subscribe<>(KEY, sub.getSelf()));
      return Behaviors.receiveMessage(msg -> {
        if (msg instanceof Replicator.Changed<LWWMap<String, Integer>> changed) {
          overrides = Map.copyOf(changed.get(KEY).getEntries());
        }
        return Behaviors.same();
      });
    }), "node-weights-subscriber");
  }

  /**
   * Sets a node's weight on every reachable node; completes with true when all confirmed, false when some did not
   * answer in time (they get it by gossip).
   */
  public CompletionStage<Boolean> set(String nodeKey, int weight) {
    ShardWeights.roleOf(weight); // validates
    return put(nodeKey, weight);
  }

  private CompletionStage<Boolean> put(String nodeKey, int weight) {
    DistributedData dd = DistributedData.get(system);
    // Read-your-writes here at once, as the directory does; the subscription confirms it a moment later.
    java.util.Map<String, Integer> mine = new java.util.HashMap<>(overrides);
    mine.put(nodeKey, weight);
    overrides = Map.copyOf(mine);
    CompletionStage<Replicator.UpdateResponse<LWWMap<String, Integer>>> reply = AskPattern.ask(dd.replicator(),
        replyTo -> new Replicator.Update<>(KEY, LWWMap.create(), new Replicator.WriteAll(WRITE_ALL_TIMEOUT), replyTo,
            m -> m.put(dd.selfUniqueAddress(), nodeKey, weight)),
        WRITE_ALL_TIMEOUT.plusSeconds(2), system.scheduler());
    return reply.thenApply(r -> {
      if (r instanceof Replicator.UpdateSuccess) {
        return true;
      }
      if (r instanceof Replicator.UpdateTimeout) {
        return false;
      }
      throw new IllegalStateException(nodeKey + " not written: " + r);
    });
  }

  static final class Id extends ExtensionId<NodeWeights> {
    static final Id INSTANCE = new Id();

    @Override
    public NodeWeights createExtension(ActorSystem<?> system) {
      return new NodeWeights(system);
    }
  }
}
