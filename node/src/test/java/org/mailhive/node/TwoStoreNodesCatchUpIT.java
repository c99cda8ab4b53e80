package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.journal.JournalStore;

/**
 * Issue #6, replication with two store nodes: while the other node is away there is no second copy to write, so
 * the journal writes on one copy and records what the absent node lacks. The cluster status shows that lag, again
 * after the remaining node restarts, and the background catch-up brings it to 0 once the other node is back,
 * without another write; then the returned node's journal holds every event of the mailbox, byte for byte.
 */
class TwoStoreNodesCatchUpIT {
  private static final int USERS = 20;
  private static final int MESSAGES = 30;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  Path dir;
  private LoopbackCluster cluster;

  @AfterEach
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** What node {@code node}'s replicas lack by its own status: the sum of journalByReplica, -1 if unknown. */
  private long journalLag(int node) {
    JsonNode status = cluster.status(node);
    if (status == null) {
      return -1;
    }
    String self = status.path("self").asText();
    for (JsonNode n : status.path("nodes")) {
      if (n.path("node").asText().equals(self) && n.path("replicaLag").isObject()) {
        long sum = 0;
        for (JsonNode v : n.path("replicaLag").path("journalByReplica")) {
          sum += v.asLong();
        }
        return sum;
      }
    }
    return -1;
  }

  private List<JournalStore.Entry> journal(int node, String pid) {
    JournalStore store = JournalStore.acquire(dir.resolve("node" + (node + 1)).resolve("replicated-journal"));
    try {
      return store.read(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
    } finally {
      store.release();
    }
  }

  @Test
  void writesMadeWhileTheOtherNodeWasAwayAreShownAsLagAndReachItWhenItReturns() throws Exception {
    cluster = new LoopbackCluster(dir, 2, USERS);
    cluster.startAll();
    NodeProcess[] nodes = cluster.nodes;
    String user = null;
    for (int u = 1; u <= USERS && user == null; u++) {
      if (cluster.rankingOf("demo" + u + "@localhost").get(0) == 0) {
        user = "demo" + u + "@localhost";
      }
    }
    assertTrue(user != null, "no test user with its shard on 127.0.0.1");
    String run = Long.toHexString(System.nanoTime());
    assertEquals(1, cluster.deliver(0, user, List.of("<" + run + "-both-up>")));

    cluster.stop(1, STOP_TIMEOUT);
    assertTrue(nodes[0].awaitLog("cluster_member_removed node=127.0.0.2", STOP_TIMEOUT),
        "127.0.0.1 did not see 127.0.0.2 leave; see " + nodes[0].log);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      tokens.add("<" + run + "-" + i + ">");
    }
    assertEquals(MESSAGES, cluster.deliver(0, user, tokens), "mail is accepted with one store node up");
    long lagWhileAway = journalLag(0);
    assertTrue(lagWhileAway >= 1, "the status shows what 127.0.0.2 lacks: " + lagWhileAway);

    // The remaining node restarts while the other is still away: the lag is still known and shown.
    cluster.stop(0, STOP_TIMEOUT);
    cluster.start(0, "node1-restarted.log");
    assertTrue(nodes[0].awaitLog("members=1", LoopbackCluster.UP_TIMEOUT), "see " + nodes[0].log);
    assertEquals(lagWhileAway, journalLag(0), "the lag after 127.0.0.1's restart");

    cluster.start(1, "node2-restarted.log");
    assertTrue(nodes[1].awaitLog("members=2", LoopbackCluster.UP_TIMEOUT), "see " + nodes[1].log);
    long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
    long lag = -1;
    while (System.nanoTime() < deadline && lag != 0) {
      lag = journalLag(0);
      if (lag != 0) {
        nodes[0].awaitLog("journal_catchup pending=0", Duration.ofMillis(500));
      }
    }
    assertEquals(0, lag, "what 127.0.0.2 lacks after it returned (-1: status unknown)");
    assertTrue(nodes[0].awaitLog("journal_catchup pending=0", Duration.ofSeconds(10)), "see " + nodes[0].log);

    // Stopped with nothing written since: the returned node's copy equals the primary's.
    cluster.stop(1, STOP_TIMEOUT);
    cluster.stop(0, STOP_TIMEOUT);
    String pid = "Mailbox|" + user + ":INBOX";
    List<JournalStore.Entry> primary = journal(0, pid);
    List<JournalStore.Entry> replica = journal(1, pid);
    assertTrue(primary.size() > MESSAGES, "events on the primary: " + primary.size());
    assertEquals(primary.size(), replica.size(), "events on the returned node");
    for (int i = 0; i < primary.size(); i++) {
      assertEquals(primary.get(i).seqNr(), replica.get(i).seqNr());
      assertTrue(Arrays.equals(primary.get(i).bytes(), replica.get(i).bytes()), "event " + primary.get(i).seqNr());
    }
  }
}
