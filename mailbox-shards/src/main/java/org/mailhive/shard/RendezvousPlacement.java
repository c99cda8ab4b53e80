package org.mailhive.shard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Weighted rendezvous (highest random weight) hashing of a shard over nodes: every node gets a score from a hash
 * of (shard, node) and its weight, and the nodes in falling score order are the shard's preference list. The first
 * is where the shard lives; the second is where it goes when the first is gone (and, with replication, where its
 * replica is). Adding or removing a node only moves the shards for which that node is or was first, about 1/n
 * of them, and every node computes the same order from the same membership without talking to the others.
 *
 * <p>Weights use the logarithmic method (Schindelhauer and Schomaker, "Weighted distributed hash tables", 2005):
 * score = weight / -ln(u) with u uniform in (0,1) from the hash, which gives each node a share of the shards
 * proportional to its weight. Nodes with weight 0 come last, in unweighted order: a shard goes to a drained node
 * only when every node is drained.
 */
public final class RendezvousPlacement {
  private RendezvousPlacement() {}

  private static final double TWO_TO_53 = 9007199254740992.0;

  /** The nodes (keys of {@code weights}) in the shard's order of preference. */
  public static List<String> ranking(String shardId, Map<String, Integer> weights) {
    List<String> nodes = new ArrayList<>(weights.keySet());
    Comparator<String> byScore = Comparator.comparingDouble(
        n -> -score(shardId, n, Math.max(1, weights.get(n))));
    nodes.sort(Comparator.<String, Boolean>comparing(n -> weights.get(n) <= 0)
        .thenComparing(byScore)
        .thenComparing(Comparator.naturalOrder()));
    return List.copyOf(nodes);
  }

  /** The node a shard lives on; null when there is no node. */
  public static String primary(String shardId, Map<String, Integer> weights) {
    List<String> order = ranking(shardId, weights);
    return order.isEmpty() ? null : order.get(0);
  }

  static double score(String shardId, String node, int weight) {
    return weight / -Math.log(unitInterval(shardId, node));
  }

  // SHA-256 rather than String.hashCode: the order must be the same on every JVM, and similar names (node1, node2;
  // shard 17, 18) must not give similar scores.
  private static double unitInterval(String shardId, String node) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(shardId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(node.getBytes(StandardCharsets.UTF_8));
      long bits = ByteBuffer.wrap(sha.digest()).getLong();
      return ((bits >>> 11) + 0.5) / TWO_TO_53;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
  }
}
