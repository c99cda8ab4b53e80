package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6, acceptance 3: three node processes; the replica node of a test user's shard is stopped (SIGTERM), N
 * messages are delivered to the user (default 1,000, the figure; {@code -Dmailhive.catchup.messages=N}
 * for another) while the cluster status shows them pending a copy for the absent replica (the third node took the
 * second copy meanwhile), the replica is started again and the primary's background catch-up brings the pending
 * count to 0; then the primary is killed with SIGKILL. The shard fails over to the restarted replica: every message
 * is read back from a surviving node over IMAP, body included, exactly once, and the new host needed no read
 * repair, so the catch-up had put every body there.
 */
class ReplicaCatchUpIT {
  private static final int NODES = 3;
  private static final int USERS = 40;
  private static final int MESSAGES = Integer.getInteger("mailhive.catchup.messages", 1000);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(120);

  @TempDir
  Path dir;
  private LoopbackCluster cluster;

  @AfterEach
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String host(int i) {
    return LoopbackCluster.host(i);
  }

  /** Sum of pendingBlobCopies over all {@code members}, or -1 while a member's figures are unknown. */
  private long pendingCopies(int node, int members) {
    JsonNode status = cluster.status(node);
    if (status == null || status.path("nodes").size() != members) {
      return -1;
    }
    for (JsonNode n : status.path("nodes")) {
      if (n.path("pendingBlobCopies").isNull() || n.path("pendingBlobCopies").isMissingNode()) {
        return -1;
      }
    }
    return status.path("pendingBlobCopies").asLong(-1);
  }

  @Test
  void aReplicaThatWasAwayWhileMailArrivedServesEveryMessageAfterThePrimaryIsKilled() throws Exception {
    cluster = new LoopbackCluster(dir, NODES, USERS);
    cluster.startAll();
    NodeProcess[] nodes = cluster.nodes;
    // A user whose primary and replica are not the first seed node: restarting that one forms a new cluster.
    String user = null;
    List<Integer> order = null;
    for (int u = 1; u <= USERS && user == null; u++) {
      List<Integer> r = cluster.rankingOf("demo" + u + "@localhost");
      if (r.get(2) == 0) {
        user = "demo" + u + "@localhost";
        order = r;
      }
    }
    assertTrue(user != null, "no test user with its shard on 127.0.0.2 and 127.0.0.3");
    int primary = order.get(0);
    int replica = order.get(1);
    int witness = order.get(2);

    cluster.stop(replica, STOP_TIMEOUT);
    assertTrue(nodes[primary].awaitLog("cluster_member_removed node=" + host(replica), STOP_TIMEOUT),
        host(primary) + " did not see " + host(replica) + " leave");

    String run = Long.toHexString(System.nanoTime());
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      tokens.add("<" + run + "-" + i + ">");
    }
    assertEquals(MESSAGES, cluster.deliver(witness, user, tokens), "every message accepted while the replica was away");
    long pendingWhileAway = pendingCopies(witness, NODES - 1);
    assertTrue(pendingWhileAway >= MESSAGES, "bodies kept pending for the absent replica: " + pendingWhileAway);

    cluster.start(replica, "node" + (replica + 1) + "-restarted.log");
    assertTrue(nodes[replica].awaitLog("members=" + NODES, LoopbackCluster.UP_TIMEOUT),
        host(replica) + " did not rejoin; see " + nodes[replica].log);
    long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
    long pending = -1;
    while (System.nanoTime() < deadline && pending != 0) {
      pending = pendingCopies(witness, NODES);
      if (pending != 0) {
        nodes[primary].awaitLog("blob_catchup pending=0", Duration.ofSeconds(1));
      }
    }
    assertEquals(0, pending, "bodies still pending a copy (-1: status incomplete)");
    // The count drops with each acknowledged body; the progress line follows at the end of the run.
    assertTrue(nodes[primary].awaitLog("blob_catchup pending=0", Duration.ofSeconds(30)),
        "the primary logged the end of its catch-up; see " + nodes[primary].log);

    long killed = System.nanoTime();
    nodes[primary].kill9();
    Map<String, Integer> found = new LinkedHashMap<>();
    deadline = killed + READ_BACK_TIMEOUT.toNanos();
    String mailbox = null;
    while (System.nanoTime() < deadline) {
      mailbox = cluster.tryFetchAll(witness, user);
      if (mailbox != null && tokens.stream().allMatch(mailbox::contains)) {
        break;
      }
      nodes[witness].awaitLog("cluster_member_removed node=" + host(primary), Duration.ofMillis(500));
    }
    System.out.printf("ReplicaCatchUpIT: %d messages to %s (primary %s, replica %s stopped); after kill -9 of the "
            + "primary all read back from %s after %d ms%n", MESSAGES, user, host(primary), host(replica),
        host(witness), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
    for (String token : tokens) {
      found.put(token, mailbox == null ? -1 : LoopbackCluster.occurrences(mailbox, token));
    }
    Map<String, Integer> expected = new LinkedHashMap<>();
    tokens.forEach(t -> expected.put(t, 1));
    assertEquals(expected, found, "each acknowledged message exactly once (-1: mailbox not readable)");
    // The catch-up, not a read repair at the first read, put the bodies on the new host of the shard.
    assertTrue(!nodes[replica].awaitLog("blob_repaired", Duration.ZERO),
        "the restarted replica had to repair bodies; see " + nodes[replica].log);
  }
}
