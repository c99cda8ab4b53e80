package org.mailhive.shard;

import java.util.Set;

/**
 * A store node's weight for shard placement travels as a cluster role {@code weight-N}: every node sees every
 * other node's roles through gossip, so the shard coordinator, wherever it runs, knows all weights without the
 * nodes sharing a configuration file. A node without such a role (an older version) counts as {@link #DEFAULT}.
 */
public final class ShardWeights {
  private ShardWeights() {}

  public static final String ROLE_PREFIX = "weight-";
  /** Same as {@code mailhive.node.weight} in reference.conf; used only for members that advertise none. */
  public static final int DEFAULT = 100;

  public static String roleOf(int weight) {
    if (weight < 0) {
      throw new IllegalArgumentException("weight must not be negative: " + weight);
    }
    return ROLE_PREFIX + weight;
  }

  public static int of(Set<String> roles) {
    for (String role : roles) {
      if (role.startsWith(ROLE_PREFIX)) {
        try {
          return Math.max(0, Integer.parseInt(role.substring(ROLE_PREFIX.length())));
        } catch (NumberFormatException ignored) {
          return DEFAULT;
        }
      }
    }
    return DEFAULT;
  }
}
