package org.mailhive.shard;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;

/**
 * Places each shard on the first store node of its {@link RendezvousPlacement} order among the shard regions the
 * coordinator knows, with each node's current weight ({@link NodeWeights}: set at runtime, else its
 * {@link ShardWeights} role). The weights are read at every allocation and rebalance, so a weight set to 0 at
 * runtime drains the node at the next rebalance tick ({@code pekko.cluster.sharding.rebalance-interval}).
 *
 * <p>Rebalancing only drains: shards on a node with weight 0 move away (at most {@code maxSimultaneousMoves} at a
 * time) when some node has a weight above 0. It deliberately does not move a shard to its first-choice node when
 * that node joins or returns: a shard's journal and bodies are on the node that hosts it and on its replica
 * (org.mailhive.journal), and a returning or new node may lack bodies written while it was away (there is no
 * background body copy yet, #6). A shard whose node died is allocated afresh, which is the next node in its order:
 * its replica, which holds its data.
 *
 * <p>Flush ({@code mailhive-admin flush}, {@link NodeWeights#flush}) is the admin's way to ask for that move anyway,
 * like {@code doveadm director flush}: every shard not on the first node of its order moves there, at most
 * {@code maxSimultaneousMoves} at a time, until none is left. The node taking a shard over fetches the journal
 * events it lacks from the other store nodes as the shard starts, and any body it lacks on first read (read repair).
 * A request is served once, and only within {@link #FLUSH_VALID_FOR} of being made, so a coordinator that starts
 * later (on another node, after a restart) does not act on an old one.
 */
public final class RendezvousAllocationStrategy extends ShardCoordinator.AbstractShardAllocationStrategy
    implements ShardCoordinator.ActorSystemDependentAllocationStrategy {
  private static final Logger LOG = LoggerFactory.getLogger(RendezvousAllocationStrategy.class);

  static final java.time.Duration FLUSH_VALID_FOR = java.time.Duration.ofMinutes(10);

  private final int maxSimultaneousMoves;
  // The flush request this coordinator has finished (epoch seconds).
  private long flushDone;
  private Cluster cluster;
  private NodeWeights nodeWeights;

  public RendezvousAllocationStrategy(int maxSimultaneousMoves) {
    this.maxSimultaneousMoves = maxSimultaneousMoves;
  }

  @Override
  public void start(org.apache.pekko.actor.ActorSystem system) {
    cluster = Cluster.get(system);
    nodeWeights = NodeWeights.of(org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(system));
  }

  @Override
  public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
                                        Map<ActorRef, IndexedSeq<String>> current) {
    Map<String, ActorRef> regions = reachable(regionsByNode(current.keySet()));
    String node = RendezvousPlacement.primary(shardId, weights(regions.keySet()));
    ActorRef region = node == null ? requester : regions.get(node);
    LOG.debug("shard_allocated shard={} node={}", shardId, node);
    return Futures.successful(region);
  }

  @Override
  public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> current, Set<String> inProgress) {
    Map<String, List<String>> shardsByNode = new HashMap<>();
    current.forEach((region, shards) ->
        shardsByNode.put(nodeKey(addressOf(region)), scala.jdk.javaapi.CollectionConverters.asJava(shards)));
    Map<String, Integer> weights = weights(shardsByNode.keySet());
    Set<String> moves = drainMoves(shardsByNode, weights, inProgress, maxSimultaneousMoves);
    if (!moves.isEmpty()) {
      LOG.info("shard_handoff reason=drain shards={}", moves.size());
      return Futures.successful(moves);
    }
    long flush = nodeWeights.flushRequestedAt();
    if (flush > flushDone && System.currentTimeMillis() / 1000 - flush < FLUSH_VALID_FOR.toSeconds()) {
      moves = flushMoves(shardsByNode, weights, inProgress, maxSimultaneousMoves);
      if (moves.isEmpty() && inProgress.isEmpty()) {
        flushDone = flush;
        LOG.info("shard_flush_done requested_at={}", flush);
      } else if (!moves.isEmpty()) {
        LOG.info("shard_handoff reason=flush shards={}", moves.size());
      }
    }
    return Futures.successful(moves);
  }

  /**
   * The shards to move off drained (weight 0) nodes now: none when no node has a weight above 0 (they would have
   * nowhere to go), and never more than {@code max} in flight together with {@code inProgress}.
   */
  static Set<String> drainMoves(Map<String, List<String>> shardsByNode, Map<String, Integer> weights,
                                Set<String> inProgress, int max) {
    Set<String> moves = new LinkedHashSet<>();
    if (weights.values().stream().noneMatch(w -> w > 0)) {
      return moves;
    }
    for (String node : new java.util.TreeSet<>(shardsByNode.keySet())) {
      if (weights.getOrDefault(node, ShardWeights.DEFAULT) > 0) {
        continue;
      }
      for (String shard : shardsByNode.get(node)) {
        if (moves.size() + inProgress.size() >= max) {
          return moves;
        }
        if (!inProgress.contains(shard)) {
          moves.add(shard);
        }
      }
    }
    return moves;
  }

  /**
   * The shards not on the first node of their rendezvous order among the nodes that host shards now, at most
   * {@code max} in flight with {@code inProgress}.
   */
  static Set<String> flushMoves(Map<String, List<String>> shardsByNode, Map<String, Integer> weights,
                                Set<String> inProgress, int max) {
    Set<String> moves = new LinkedHashSet<>();
    for (String node : new java.util.TreeSet<>(shardsByNode.keySet())) {
      for (String shard : shardsByNode.get(node)) {
        if (moves.size() + inProgress.size() >= max) {
          return moves;
        }
        String preferred = RendezvousPlacement.primary(shard, weights);
        if (preferred != null && !preferred.equals(node) && !inProgress.contains(shard)) {
          moves.add(shard);
        }
      }
    }
    return moves;
  }

  /**
   * The regions a new shard may go to: those on nodes that are up and reachable from here, when there are any. The
   * coordinator still lists the region of a node that has crashed until the node is removed (about 3 s); a shard
   * first used in that time, such as the account entity of a user who had only received mail, would otherwise be
   * placed on the dead node, and every request to it would wait for that allocation to fail. The next node in the
   * order is the shard's replica, which holds its data; a write there still waits for the crashed node to be
   * downed ({@code mailhive.journal.partition-wait}), so a node that is only cut off never has a second writer.
   */
  private Map<String, ActorRef> reachable(Map<String, ActorRef> regions) {
    Set<String> unavailable = new java.util.HashSet<>();
    cluster.state().getUnreachable().forEach(m -> unavailable.add(nodeKey(m.address())));
    for (Member m : cluster.state().getMembers()) {
      if (m.status() != MemberStatus.up() && m.status() != MemberStatus.weaklyUp()) {
        unavailable.add(nodeKey(m.address()));
      }
    }
    Map<String, ActorRef> available = new HashMap<>(regions);
    available.keySet().removeAll(unavailable);
    return available.isEmpty() ? regions : available;
  }

  private Map<String, ActorRef> regionsByNode(Set<ActorRef> regions) {
    Map<String, ActorRef> byNode = new HashMap<>();
    for (ActorRef region : regions) {
      byNode.put(nodeKey(addressOf(region)), region);
    }
    return byNode;
  }

  private Map<String, Integer> weights(Set<String> nodes) {
    Map<String, Integer> byNode = new HashMap<>();
    for (Member m : cluster.state().getMembers()) {
      String key = nodeKey(m.address());
      if (nodes.contains(key)) {
        byNode.put(key, nodeWeights.weightOf(m));
      }
    }
    for (String node : nodes) {
      byNode.putIfAbsent(node, ShardWeights.DEFAULT);
    }
    return byNode;
  }

  // The coordinator's own region is a local ref whose path carries no host; it is this node.
  private Address addressOf(ActorRef region) {
    Address a = region.path().address();
    return a.hasGlobalScope() ? a : cluster.selfAddress();
  }

  static String nodeKey(Address a) {
    return a.getHost().orElse("local") + ":" + a.getPort().orElse(0);
  }
}
