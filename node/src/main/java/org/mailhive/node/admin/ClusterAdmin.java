package org.mailhive.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.mailhive.shard.MailboxSharding;
import org.mailhive.shard.NodeWeights;
import org.mailhive.shard.ReplicaNodes;
import org.mailhive.shard.ShardWeights;
import org.mailhive.shard.UserShardExtractor;

/**
 * The cluster half of the admin API ({@code /api/cluster/…}), as Dovecot's {@code doveadm director} commands are
 * for a director ring: status of every node, where a user lives, a node's weight, kicking a user's sessions. It
 * answers from this node's view of the membership, the shard coordinator's placement, and every node's
 * {@link NodeControl}.
 */
public final class ClusterAdmin {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ASK = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final Cluster cluster;
  private final int shardCount;

  public ClusterAdmin(ActorSystem<?> system, int shardCount) {
    this.system = system;
    this.cluster = Cluster.get(Adapter.toClassic(system));
    this.shardCount = shardCount;
  }

  /** One node's line in {@code cluster status}; null figures are unknown (the node did not answer). */
  record NodeStatus(String node, String status, boolean reachable, List<String> roles, int weight,
                    int startWeight, Integer shards, Integer sessions, Long degradedJournalWrites,
                    Long degradedBlobWrites, Long pendingBlobCopies, ReplicaLag lag) {}

  /**
   * What this node's replicas lack (null when the node did not answer): persistence ids whose last write did not
   * reach the replica, per replica node and per shard, and bodies still to copy, per shard.
   */
  record ReplicaLag(Map<String, Long> journalByReplica, Map<String, Long> journalByShard,
                    Map<String, Long> bodiesByShard, long refusedJournalWrites) {
    static ReplicaLag of(NodeControl.Described d) {
      return d == null ? null : new ReplicaLag(d.journalBehindByReplica(), d.journalBehindByShard(),
          d.blobsPendingByShard(), d.refusedJournalWrites());
    }

    ObjectNode json() {
      ObjectNode o = JSON.createObjectNode();
      ObjectNode byReplica = o.putObject("journalByReplica");
      journalByReplica.forEach(byReplica::put);
      ObjectNode shards = o.putObject("shards");
      java.util.SortedSet<String> ids = new java.util.TreeSet<>(java.util.Comparator.comparingInt(Integer::parseInt));
      ids.addAll(journalByShard.keySet());
      ids.addAll(bodiesByShard.keySet());
      for (String id : ids) {
        ObjectNode shard = shards.putObject(id);
        shard.put("journal", journalByShard.getOrDefault(id, 0L));
        shard.put("bodies", bodiesByShard.getOrDefault(id, 0L));
      }
      o.put("refusedJournalWrites", refusedJournalWrites);
      return o;
    }
  }

  static ObjectNode statusJson(String self, String leader, List<NodeStatus> nodes) {
    ObjectNode root = JSON.createObjectNode();
    root.put("self", self);
    root.put("leader", leader);
    ArrayNode arr = root.putArray("nodes");
    int shards = 0;
    long degraded = 0;
    long pending = 0;
    int laggingShards = 0;
    for (NodeStatus n : nodes) {
      ObjectNode o = arr.addObject();
      o.put("node", n.node());
      o.put("status", n.status());
      o.put("reachable", n.reachable());
      ArrayNode roles = o.putArray("roles");
      n.roles().forEach(roles::add);
      o.put("weight", n.weight());
      o.put("startWeight", n.startWeight());
      putNullable(o, "shards", n.shards() == null ? null : n.shards().longValue());
      putNullable(o, "sessions", n.sessions() == null ? null : n.sessions().longValue());
      putNullable(o, "degradedJournalWrites", n.degradedJournalWrites());
      putNullable(o, "degradedBlobWrites", n.degradedBlobWrites());
      putNullable(o, "pendingBlobCopies", n.pendingBlobCopies());
      if (n.lag() == null) {
        o.putNull("replicaLag");
      } else {
        ObjectNode lag = n.lag().json();
        o.set("replicaLag", lag);
        laggingShards += lag.get("shards").size();
      }
      pending += n.pendingBlobCopies() == null ? 0 : n.pendingBlobCopies();
      shards += n.shards() == null ? 0 : n.shards();
      degraded += (n.degradedJournalWrites() == null ? 0 : n.degradedJournalWrites())
          + (n.degradedBlobWrites() == null ? 0 : n.degradedBlobWrites());
    }
    root.put("shards", shards);
    root.put("degradedWrites", degraded);
    root.put("pendingBlobCopies", pending);
    // Shards whose replica lacks something, counted on each node that owes it.
    root.put("laggingShards", laggingShards);
    return root;
  }

  static ObjectNode whereJson(String user, String shard, String node, String replica, List<String> ranking) {
    ObjectNode o = JSON.createObjectNode();
    o.put("user", user);
    o.put("shard", shard);
    o.put("node", node);
    o.put("replica", replica);
    ArrayNode r = o.putArray("ranking");
    ranking.forEach(r::add);
    return o;
  }

  private static void putNullable(ObjectNode o, String field, Long value) {
    if (value == null) {
      o.putNull(field);
    } else {
      o.put(field, value);
    }
  }

  static String key(Address a) {
    return a.getHost().orElse("local") + ":" + a.getPort().orElse(0);
  }

  // ---- status ----

  public CompletionStage<ObjectNode> status() {
    return shardStats().thenCombine(describeAll(), (stats, described) -> {
      Map<String, Integer> shardsByNode = new HashMap<>();
      stats.getRegions().forEach((addr, s) -> shardsByNode.put(key(addr), s.getStats().size()));
      Set<Member> unreachable = cluster.state().getUnreachable();
      NodeWeights weights = NodeWeights.of(system);
      List<NodeStatus> nodes = new ArrayList<>();
      for (Member m : cluster.state().getMembers()) {
        String k = key(m.address());
        List<String> roles = m.getRoles().stream()
            .filter(r -> !r.startsWith(ShardWeights.ROLE_PREFIX) && !r.startsWith("dc-")).sorted().toList();
        NodeControl.Described d = described.get(k);
        nodes.add(new NodeStatus(k, m.status().toString(), !unreachable.contains(m), roles, weights.weightOf(m),
            ShardWeights.of(m.getRoles()), m.hasRole(MailboxSharding.STORE_ROLE) ? shardsByNode.get(k) : null,
            d == null ? null : d.connections(), d == null ? null : d.degradedJournalWrites(),
            d == null ? null : d.degradedBlobWrites(), d == null ? null : d.pendingBlobCopies(), ReplicaLag.of(d)));
      }
      Optional<Address> leader = Optional.ofNullable(cluster.state().getLeader());
      return statusJson(key(cluster.selfAddress()), leader.map(ClusterAdmin::key).orElse(null), nodes);
    });
  }

  private CompletionStage<ShardRegion.ClusterShardingStats> shardStats() {
    return AskPattern.ask(ClusterSharding.get(system).shardState(),
        (ActorRef<ShardRegion.ClusterShardingStats> replyTo) ->
            new GetClusterShardingStats(MailboxSharding.TYPE_KEY, ASK, replyTo),
        ASK.plusSeconds(1), system.scheduler());
  }

  private CompletionStage<Map<String, NodeControl.Described>> describeAll() {
    return controls().thenCompose(refs -> {
      List<CompletableFuture<Optional<NodeControl.Described>>> asks = new ArrayList<>();
      for (ActorRef<NodeControl.Command> ref : refs) {
        asks.add(AskPattern.<NodeControl.Command, NodeControl.Described>ask(ref, NodeControl.Describe::new, ASK,
                system.scheduler()).toCompletableFuture()
            .thenApply(Optional::of).exceptionally(e -> Optional.empty()));
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
        Map<String, NodeControl.Described> byNode = new TreeMap<>();
        asks.forEach(a -> a.join().ifPresent(d -> byNode.put(d.node(), d)));
        return byNode;
      });
    });
  }

  private CompletionStage<Set<ActorRef<NodeControl.Command>>> controls() {
    return AskPattern.ask(system.receptionist(),
            (ActorRef<Receptionist.Listing> replyTo) -> Receptionist.find(NodeControl.KEY, replyTo), ASK,
            system.scheduler())
        .thenApply(listing -> listing.getServiceInstances(NodeControl.KEY));
  }

  // ---- where ----

  /** The node that hosts {@code user}'s shard now (null if the shard has not started anywhere) and its replica. */
  public CompletionStage<ObjectNode> where(String user) {
    String u = user.trim().toLowerCase(java.util.Locale.ROOT);
    if (u.isEmpty()) {
      throw new IllegalArgumentException("no user given");
    }
    String shard = UserShardExtractor.shardOfUser(u, shardCount);
    List<String> ranking = new ReplicaNodes(cluster).ranking(shard).stream().map(ClusterAdmin::key).toList();
    return shardStats().thenApply(stats -> {
      String host = null;
      for (Map.Entry<Address, ShardRegion.ShardRegionStats> e : stats.getRegions().entrySet()) {
        if (e.getValue().getStats().containsKey(shard)) {
          host = key(e.getKey());
        }
      }
      String replica = null;
      for (String n : ranking) {
        if (!n.equals(host) && (host != null || !n.equals(ranking.get(0)))) {
          replica = n;
          break;
        }
      }
      return whereJson(u, shard, host, replica, ranking);
    });
  }

  // ---- weight ----

  /**
   * Sets the weight of the member named by {@code node}: {@code host:port}, or a host alone when one member has it.
   */
  public CompletionStage<ObjectNode> setWeight(String node, int weight) {
    if (weight < 0 || weight > 1000) {
      throw new IllegalArgumentException("weight must be between 0 and 1000, not " + weight);
    }
    String k = memberKey(node);
    return NodeWeights.of(system).set(k, weight).thenApply(confirmed -> {
      ObjectNode o = JSON.createObjectNode();
      o.put("node", k);
      o.put("weight", weight);
      o.put("confirmed", confirmed);
      return o;
    });
  }

  String memberKey(String node) {
    List<String> matches = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      String k = key(m.address());
      if (k.equals(node) || k.startsWith(node + ":")) {
        matches.add(k);
      }
    }
    if (matches.isEmpty()) {
      throw new IllegalArgumentException("no cluster member " + node + " (give host or host:port as cluster status"
          + " shows it)");
    }
    if (matches.size() > 1) {
      throw new IllegalArgumentException(node + " names several members " + matches + "; give host:port");
    }
    return matches.get(0);
  }

  // ---- flush ----

  /**
   * Asks the shard coordinator to move every user now to the first node of its rendezvous order (Dovecot's
   * {@code doveadm director flush}); the moves run in the background, ten at a time.
   */
  public CompletionStage<ObjectNode> flush() {
    return NodeWeights.of(system).flush().thenApply(confirmed -> {
      ObjectNode o = JSON.createObjectNode();
      o.put("flush", "requested");
      o.put("confirmed", confirmed);
      return o;
    });
  }

  // ---- kick ----

  /** Ends every session of {@code user} on every node, each after its command in flight. */
  public CompletionStage<ObjectNode> kick(String user) {
    String u = user.trim().toLowerCase(java.util.Locale.ROOT);
    if (u.isEmpty()) {
      throw new IllegalArgumentException("no user given");
    }
    return controls().thenCompose(refs -> {
      List<CompletableFuture<NodeControl.Kicked>> asks = new ArrayList<>();
      for (ActorRef<NodeControl.Command> ref : refs) {
        asks.add(AskPattern.<NodeControl.Command, NodeControl.Kicked>ask(ref,
            replyTo -> new NodeControl.Kick(u, replyTo), ASK, system.scheduler()).toCompletableFuture());
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
        ObjectNode o = JSON.createObjectNode();
        o.put("user", u);
        ObjectNode per = JSON.createObjectNode();
        int total = 0;
        for (CompletableFuture<NodeControl.Kicked> a : asks) {
          NodeControl.Kicked k = a.join();
          per.put(k.node(), k.sessions());
          total += k.sessions();
        }
        o.put("sessions", total);
        o.set("nodes", per);
        return o;
      });
    });
  }
}
