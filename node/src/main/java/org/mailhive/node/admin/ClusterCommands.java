package org.mailhive.node.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mailhive-admin cluster status | where | weight | kick}: the cluster commands, Mailhive's
 * {@code doveadm director status|add|kick}. Each prints a short text, or the API's JSON with {@code --json}.
 */
final class ClusterCommands {
  private ClusterCommands() {}

  static String path(String what, String arg) {
    return "/api/cluster/" + what + (arg == null ? "" : "/" + URLEncoder.encode(arg, StandardCharsets.UTF_8));
  }

  static String text(JsonNode n) {
    return n == null || n.isNull() ? "-" : n.asText();
  }

  /** {@code cluster status} as a table, one line per member. */
  static String statusTable(JsonNode status) {
    StringBuilder b = new StringBuilder(String.format("%-22s %-8s %-9s %-11s %6s %6s %8s %8s %8s%n", "NODE",
        "STATUS", "REACHABLE", "ROLES", "WEIGHT", "SHARDS", "SESSIONS", "DEGRADED", "PENDING"));
    for (JsonNode n : status.path("nodes")) {
      StringBuilder roles = new StringBuilder();
      n.path("roles").forEach(r -> roles.append(roles.length() == 0 ? "" : ",").append(r.asText()));
      long degraded = n.path("degradedJournalWrites").asLong(0) + n.path("degradedBlobWrites").asLong(0);
      b.append(String.format("%-22s %-8s %-9s %-11s %6s %6s %8s %8s %8s%n", text(n.get("node")),
          text(n.get("status")), n.path("reachable").asBoolean() ? "yes" : "NO", roles, text(n.get("weight")),
          text(n.get("shards")), text(n.get("sessions")),
          n.path("degradedJournalWrites").isNull() ? "-" : String.valueOf(degraded), text(n.get("pendingBlobCopies"))));
    }
    b.append("shards: ").append(status.path("shards").asInt()).append("  degraded writes: ")
        .append(status.path("degradedWrites").asLong()).append("  bodies pending copy: ")
        .append(status.path("pendingBlobCopies").asLong()).append("  leader: ").append(text(status.get("leader")));
    appendLag(b, status);
    return b.toString();
  }

  // Lines shown at most for lagging shards; --json has them all.
  private static final int LAG_LINES = 10;

  /** One line per shard whose replica lacks journal events or bodies, after the table (nothing when none). */
  private static void appendLag(StringBuilder b, JsonNode status) {
    int shown = 0;
    int total = status.path("laggingShards").asInt();
    for (JsonNode n : status.path("nodes")) {
      JsonNode lag = n.path("replicaLag");
      for (var it = lag.path("shards").fields(); it.hasNext() && shown < LAG_LINES; shown++) {
        var shard = it.next();
        b.append(String.format("%nreplica lag: shard %s on %s: %d mailboxes behind, %d bodies to copy",
            shard.getKey(), text(n.get("node")), shard.getValue().path("journal").asLong(),
            shard.getValue().path("bodies").asLong()));
      }
      lag.path("journalByReplica").fields().forEachRemaining(r -> b.append(String.format(
          "%nreplica lag: %s owes %s %d mailbox journals", text(n.get("node")), r.getKey(), r.getValue().asLong())));
    }
    if (total > shown) {
      b.append(String.format("%nreplica lag: %d more shards (--json lists them)", total - shown));
    }
  }

  static class JsonOption {
    @Option(names = "--json", description = "Print the admin API's JSON answer.")
    boolean json;
  }

  @Command(name = "cluster", mixinStandardHelpOptions = true,
      description = "The cluster: status (nodes, roles, weights, shards, sessions, degraded writes).",
      subcommands = {Status.class})
  static final class Cluster {
    @ParentCommand AdminCli root;
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Every member: status, reachability, roles, current weight, shards hosted, client sessions, "
          + "writes that completed on one copy only.")
  static final class Status extends JsonOption implements Callable<Integer> {
    @ParentCommand Cluster cluster;

    @Override
    public Integer call() throws Exception {
      JsonNode s = cluster.root.client().get(path("status", null));
      if (json) {
        cluster.root.print(s);
      } else {
        cluster.root.out.println(statusTable(s));
      }
      return 0;
    }
  }

  @Command(name = "where", mixinStandardHelpOptions = true,
      description = "The node that hosts USER's mailboxes now, and the node with their replica "
          + "(like doveadm director status USER).")
  static final class Where extends JsonOption implements Callable<Integer> {
    @ParentCommand AdminCli root;
    @Parameters(paramLabel = "USER") String user;

    @Override
    public Integer call() throws Exception {
      JsonNode w = root.client().get(path("where", user));
      if (json) {
        root.print(w);
      } else {
        root.out.println(text(w.get("user")) + " shard " + text(w.get("shard")) + " on " + text(w.get("node"))
            + ", replica on " + text(w.get("replica")));
      }
      return 0;
    }
  }

  @Command(name = "weight", mixinStandardHelpOptions = true,
      description = "Set a store node's share of the shards at runtime (0 to 1000; 0 drains it: its shards move "
          + "to other store nodes). NODE is host or host:port as cluster status shows it.")
  static final class Weight extends JsonOption implements Callable<Integer> {
    @ParentCommand AdminCli root;
    @Parameters(index = "0", paramLabel = "NODE") String node;
    @Parameters(index = "1", paramLabel = "N") String weight;

    @Override
    public Integer call() throws Exception {
      int n;
      try {
        n = Integer.parseInt(weight.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("weight must be a number from 0 to 1000, not \"" + weight + "\"");
      }
      if (n < 0 || n > 1000) {
        throw new IllegalArgumentException("weight must be between 0 and 1000, not " + n);
      }
      JsonNode r = root.client().put(path("weight", node), Map.of("weight", n));
      if (json) {
        root.print(r);
      } else {
        root.done("weight of " + text(r.get("node")) + " set to " + n, r);
      }
      return 0;
    }
  }

  @Command(name = "flush", mixinStandardHelpOptions = true,
      description = "Move every user now to the first node of its rendezvous order with the current weights "
          + "(doveadm director flush). Shards stay where they are after a node joins or returns until this; the "
          + "moves run in the background, ten at a time; sessions stay open.")
  static final class Flush extends JsonOption implements Callable<Integer> {
    @ParentCommand AdminCli root;

    @Override
    public Integer call() throws Exception {
      JsonNode r = root.client().post(path("flush", null), "");
      if (json) {
        root.print(r);
      } else {
        root.done("flush requested; mailhive-admin where USER shows where a user lives", r);
      }
      return 0;
    }
  }

  @Command(name = "kick", mixinStandardHelpOptions = true,
      description = "End every IMAP, POP3 and SMTP session of USER on every node, each after its command in "
          + "flight (IMAP * BYE [UNAVAILABLE], SMTP 421 4.3.2, POP3 -ERR [SYS/TEMP]).")
  static final class Kick extends JsonOption implements Callable<Integer> {
    @ParentCommand AdminCli root;
    @Parameters(paramLabel = "USER") String user;

    @Override
    public Integer call() throws Exception {
      JsonNode r = root.client().post(path("kick", user), "");
      if (json) {
        root.print(r);
      } else {
        root.out.println("kicked " + r.path("sessions").asInt() + " session(s) of " + text(r.get("user")));
      }
      return 0;
    }
  }
}
