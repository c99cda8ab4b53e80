package org.mailhive.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterCommandsTest {
  private record Run(int code, String text) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AdminCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out + err.toString());
  }

  private static ObjectNode twoNodes() {
    return ClusterAdmin.statusJson("127.0.0.1:25520", "127.0.0.1:25520", List.of(
        new ClusterAdmin.NodeStatus("127.0.0.1:25520", "Up", true, List.of("edge", "store"), 0, 100, 3, 2, 0L, 1L, 4L,
            new ClusterAdmin.ReplicaLag(Map.of(), Map.of(), Map.of(), 0)),
        new ClusterAdmin.NodeStatus("127.0.0.2:25520", "Up", false, List.of("edge", "store"), 100, 100, 125, null,
            null, null, null, null)));
  }

  @Test
  void statusListsEveryNodeWithWeightsShardsSessionsAndDegradedWrites() {
    ObjectNode s = twoNodes();
    assertEquals("127.0.0.1:25520", s.get("self").asText());
    assertEquals(128, s.get("shards").asInt());
    assertEquals(1, s.get("degradedWrites").asLong());
    JsonNode first = s.get("nodes").get(0);
    assertEquals("Up", first.get("status").asText());
    assertTrue(first.get("reachable").asBoolean());
    assertEquals("[\"edge\",\"store\"]", first.get("roles").toString());
    assertEquals(0, first.get("weight").asInt());
    assertEquals(100, first.get("startWeight").asInt());
    assertEquals(3, first.get("shards").asInt());
    assertEquals(2, first.get("sessions").asInt());
    assertEquals(1, first.get("degradedBlobWrites").asLong());
    assertEquals(4, first.get("pendingBlobCopies").asLong());
    assertEquals(4, s.get("pendingBlobCopies").asLong());
    // A node that did not answer has unknown figures, not zeros.
    JsonNode second = s.get("nodes").get(1);
    assertTrue(second.get("sessions").isNull());
    assertTrue(second.get("degradedJournalWrites").isNull());
    assertTrue(second.get("pendingBlobCopies").isNull());
    assertTrue(!second.get("reachable").asBoolean());
  }

  @Test
  void statusTableShowsOneLinePerNodeAndMarksAnUnreachableOne() {
    String table = ClusterCommands.statusTable(twoNodes());
    String[] lines = table.split("\n");
    assertEquals(4, lines.length, table);
    assertTrue(lines[1].startsWith("127.0.0.1:25520") && lines[1].contains("edge,store"), table);
    assertTrue(lines[2].contains(" NO "), table);
    assertTrue(lines[3].contains("shards: 128") && lines[3].contains("degraded writes: 1"), table);
  }

  @Test
  void statusReportsReplicaLagPerShardAndPerReplicaNode() {
    ObjectNode s = ClusterAdmin.statusJson("127.0.0.1:25520", "127.0.0.1:25520", List.of(
        new ClusterAdmin.NodeStatus("127.0.0.1:25520", "Up", true, List.of("store"), 100, 100, 64, 0, 3L, 5L, 5L,
            new ClusterAdmin.ReplicaLag(Map.of("127.0.0.2:25520", 3L), Map.of("17", 2L, "9", 1L),
                Map.of("17", 5L), 1))));
    JsonNode lag = s.get("nodes").get(0).get("replicaLag");
    assertEquals("{\"127.0.0.2:25520\":3}", lag.get("journalByReplica").toString());
    assertEquals("{\"9\":{\"journal\":1,\"bodies\":0},\"17\":{\"journal\":2,\"bodies\":5}}",
        lag.get("shards").toString());
    assertEquals(1, lag.get("refusedJournalWrites").asLong());
    assertEquals(2, s.get("laggingShards").asInt());
    String table = ClusterCommands.statusTable(s);
    assertTrue(table.contains("replica lag: shard 17 on 127.0.0.1:25520: 2 mailboxes behind, 5 bodies to copy"), table);
    assertTrue(table.contains("replica lag: 127.0.0.1:25520 owes 127.0.0.2:25520 3 mailbox journals"), table);
  }

  @Test
  void aNodeWithoutLagAddsNoLagLines() {
    assertEquals(0, twoNodes().get("laggingShards").asInt());
    assertTrue(twoNodes().get("nodes").get(1).get("replicaLag").isNull());
    assertTrue(!ClusterCommands.statusTable(twoNodes()).contains("replica lag"));
  }

  @Test
  void whereNamesTheShardItsNodeAndItsReplica() {
    ObjectNode w = ClusterAdmin.whereJson("demo@localhost", "17", "127.0.0.2:25520", "127.0.0.1:25520",
        List.of("127.0.0.2:25520", "127.0.0.1:25520"));
    assertEquals("{\"user\":\"demo@localhost\",\"shard\":\"17\",\"node\":\"127.0.0.2:25520\","
        + "\"replica\":\"127.0.0.1:25520\",\"ranking\":[\"127.0.0.2:25520\",\"127.0.0.1:25520\"]}", w.toString());
    ObjectNode notStarted = ClusterAdmin.whereJson("x@localhost", "3", null, "127.0.0.1:25520", List.of());
    assertTrue(notStarted.get("node").isNull());
  }

  @Test
  void everyClusterCommandHasHelp() {
    for (String cmd : new String[] {"cluster", "cluster status", "where", "weight", "flush", "kick"}) {
      Run r = run((cmd + " --help").split(" "));
      assertEquals(0, r.code(), cmd);
      assertTrue(r.text().contains("Usage: mailhive-admin " + cmd), cmd + ": " + r.text());
    }
  }

  @Test
  void badWeightsAndMissingArgumentsAreRefusedBeforeAnythingIsSent() {
    // Port 9 (discard) is never our admin API: had the CLI connected, the exit code would be 3.
    Run notANumber = run("--url", "http://127.0.0.1:9", "weight", "127.0.0.1", "ten");
    assertEquals(2, notANumber.code());
    assertTrue(notANumber.text().contains("weight must be a number"), notANumber.text());
    assertEquals(2, run("--url", "http://127.0.0.1:9", "weight", "127.0.0.1", "1001").code());
    assertEquals(2, run("--url", "http://127.0.0.1:9", "weight", "127.0.0.1", "-1").code());
    assertEquals(2, run("weight", "127.0.0.1").code());
    assertEquals(2, run("where").code());
    assertEquals(2, run("kick").code());
  }

  @Test
  void anUnreachableNodeGivesExitCodeThree() {
    assertEquals(3, run("--url", "http://127.0.0.1:9", "cluster", "status").code());
  }
}
