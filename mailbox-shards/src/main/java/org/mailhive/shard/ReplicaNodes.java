package org.mailhive.shard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * Which store node holds the replica of a shard, seen from the node that writes it: the first node other than
 * itself in the shard's {@link RendezvousPlacement} order over the reachable, up store members. On the primary
 * that is the second node of the order, the same node the shard fails over to. An unreachable node is skipped
 * rather than waited for, so while a node is down the next one in the order gets the second copy.
 */
public final class ReplicaNodes {
  private final Cluster cluster;
  private final NodeWeights nodeWeights;
  private final long rememberNanos;
  // Store nodes seen up, with their last weight, kept while they are away for up to rememberNanos: a node that
  // left for a restart is still the replica the shard's data belongs on (intendedReplicaOf).
  private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

  private record Remembered(Address address, int weight, long lastSeenNanos) {}

  public ReplicaNodes(Cluster cluster) {
    this(cluster, Duration.ZERO);
  }

  /** @param rememberAbsent how long a store node that went away still counts for {@link #intendedReplicaOf} */
  public ReplicaNodes(Cluster cluster, Duration rememberAbsent) {
    this.cluster = cluster;
    this.nodeWeights = NodeWeights.of(org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(cluster.system()));
    this.rememberNanos = rememberAbsent.toNanos();
  }

  /**
   * Remembers the store nodes up now and forgets those away longer than {@code rememberAbsent}. Called on every
   * {@link #intendedReplicaOf} and periodically (the blob catch-up's tick), so a node is known before it leaves
   * even if no body was written while it was up.
   */
  public void observe() {
    long now = System.nanoTime();
    Map<String, Address> live = liveStoreNodes();
    Map<String, Integer> liveWeights = weights(live.keySet());
    live.forEach((key, address) -> remembered.put(key, new Remembered(address, liveWeights.get(key), now)));
    remembered.values().removeIf(r -> now - r.lastSeenNanos() > rememberNanos && !live.containsValue(r.address()));
  }

  /** Remembers a store node that is up, from its MemberUp event (before the cluster state shows it). */
  public void rememberUp(Member m) {
    if (m.hasRole(MailboxSharding.STORE_ROLE)) {
      remembered.put(RendezvousAllocationStrategy.nodeKey(m.address()),
          new Remembered(m.address(), nodeWeights.weightOf(m), System.nanoTime()));
    }
  }

  /**
   * The replica the shard would have if every store node seen up in the last {@code rememberAbsent} were up: the
   * node a body belongs on even while that node is away (restarting), as opposed to {@link #replicaOf}, the node
   * that can take it now. The two differ only while a node is away; a node away longer is forgotten.
   */
  public Optional<Address> intendedReplicaOf(String shardId) {
    observe();
    Map<String, Integer> w = new HashMap<>();
    remembered.forEach((key, r) -> w.put(key, r.weight()));
    String self = RendezvousAllocationStrategy.nodeKey(cluster.selfAddress());
    for (String node : RendezvousPlacement.ranking(shardId, w)) {
      if (!node.equals(self)) {
        return Optional.of(remembered.get(node).address());
      }
    }
    return Optional.empty();
  }

  /** The reachable, up store nodes in the shard's order of preference with the current weights. */
  public List<Address> ranking(String shardId) {
    Map<String, Address> nodes = liveStoreNodes();
    List<Address> out = new ArrayList<>();
    for (String node : RendezvousPlacement.ranking(shardId, weights(nodes.keySet()))) {
      out.add(nodes.get(node));
    }
    return out;
  }

  public Optional<Address> replicaOf(String shardId) {
    Map<String, Address> nodes = liveStoreNodes();
    String self = RendezvousAllocationStrategy.nodeKey(cluster.selfAddress());
    for (String node : RendezvousPlacement.ranking(shardId, weights(nodes.keySet()))) {
      if (!node.equals(self)) {
        return Optional.of(nodes.get(node));
      }
    }
    return Optional.empty();
  }

  /**
   * Why this node must not complete a write on its own copy now, or empty when it may. A write may end on one copy
   * only when every other store node is either reachable or already downed: while a store node is unreachable
   * and the Split Brain Resolver has not yet decided which side keeps running, this node may be on the side that
   * will be downed, and a write it acknowledged there would be lost (the other side takes the shard over without
   * it) or would clash with the other side's writes of the same mailbox (#6, acceptance 5). A node that is itself
   * downed, or whose cluster has stopped, never writes alone.
   */
  public Optional<String> oneCopyRefusal() {
    if (cluster.isTerminated()) {
      return Optional.of("cluster_stopped");
    }
    Member self = cluster.selfMember();
    if (self.status() == MemberStatus.down() || self.status() == MemberStatus.removed()) {
      return Optional.of("self_downed");
    }
    for (Member m : cluster.state().getUnreachable()) {
      // A node leaving or exiting (a rolling restart) handed its shards off first and writes nothing more, so its
      // silence decides nothing: only a node that may still be serving (up, weakly up, joining) holds writes back.
      boolean mayServe = m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()
          || m.status() == MemberStatus.joining();
      if (!m.address().equals(cluster.selfAddress()) && m.hasRole(MailboxSharding.STORE_ROLE) && mayServe) {
        return Optional.of("partition_undecided unreachable=" + RendezvousAllocationStrategy.nodeKey(m.address()));
      }
    }
    return Optional.empty();
  }

  /** Every reachable, up store node but this one. */
  public List<Address> others() {
    List<Address> out = new ArrayList<>();
    for (Address a : liveStoreNodes().values()) {
      if (!a.equals(cluster.selfAddress())) {
        out.add(a);
      }
    }
    return out;
  }

  private Map<String, Address> liveStoreNodes() {
    Set<Member> unreachable = cluster.state().getUnreachable();
    Map<String, Address> nodes = new HashMap<>();
    for (Member m : cluster.state().getMembers()) {
      boolean up = m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp();
      if (up && m.hasRole(MailboxSharding.STORE_ROLE) && !unreachable.contains(m)) {
        nodes.put(RendezvousAllocationStrategy.nodeKey(m.address()), m.address());
      }
    }
    return nodes;
  }

  private Map<String, Integer> weights(Set<String> nodes) {
    Map<String, Integer> w = new HashMap<>();
    for (Member m : cluster.state().getMembers()) {
      String key = RendezvousAllocationStrategy.nodeKey(m.address());
      if (nodes.contains(key)) {
        w.put(key, nodeWeights.weightOf(m));
      }
    }
    return w;
  }

  /** The shard of a persistence id of a user-sharded entity ({@code Type|user:mailbox} or {@code Type|user:}). */
  public static String shardOfPersistenceId(String persistenceId, int shardCount) {
    String entityId = persistenceId.substring(persistenceId.indexOf('|') + 1);
    int colon = entityId.indexOf(MailboxAddress.SEPARATOR);
    return UserShardExtractor.shardOfUser(colon < 0 ? entityId : entityId.substring(0, colon), shardCount);
  }
}
