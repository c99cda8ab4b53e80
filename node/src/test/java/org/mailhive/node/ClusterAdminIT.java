package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.node.admin.AdminCli;

/**
 * The cluster admin commands against two in-process nodes on 127.0.0.1 and 127.0.0.2 (#6): {@code cluster status}
 * sees both, {@code where} names the node of a user's shard, {@code weight NODE 0} moves it to the other node
 * while the user's IMAP sessions go on working — one of them in IDLE still gets the push for mail delivered after
 * the move (acceptance 4, in-process) — and {@code kick} ends both sessions with {@code * BYE}.
 */
class ClusterAdminIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CLUSTER_FORMS = Duration.ofSeconds(60);
  private static final Duration SHARD_MOVES = Duration.ofSeconds(30);
  private static final String USER = "demo@localhost";

  @TempDir static Path dir;
  static TestNode a;
  static TestNode b;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    a = TestNode.start(dir.resolve("a"), Map.of("mailhive.node.bind-address", "127.0.0.1"));
    int seedPort = Cluster.get(a.node.system()).selfMember().address().getPort().get();
    b = TestNode.start(dir.resolve("b"), Map.of("mailhive.node.bind-address", "127.0.0.2",
        "mailhive.cluster.seed-nodes", java.util.List.of("127.0.0.1:" + seedPort), "mailhive.demo.enabled", false));
    until("two members up in cluster status", CLUSTER_FORMS, () -> {
      JsonNode s = json("cluster", "status", "--json");
      int up = 0;
      for (JsonNode n : s.path("nodes")) {
        up += n.path("status").asText().equals("Up") ? 1 : 0;
      }
      return up == 2 && b.node.directory().user(USER).isPresent(); // B has the replicated directory too
    });
  }

  @AfterAll
  static void stop() throws Exception {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  private static String admin(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    all[0] = "--url";
    all[1] = "http://127.0.0.1:" + a.port("admin");
    System.arraycopy(args, 0, all, 2, args.length);
    int code = AdminCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    assertEquals(0, code, String.join(" ", args) + ": " + out + err);
    return out.toString();
  }

  private static JsonNode json(String... args) throws Exception {
    return JSON.readTree(admin(args));
  }

  /** Polls {@code check} until it holds; fails after {@code timeout}. */
  private static void until(String what, Duration timeout, Callable<Boolean> check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.call()) {
      assertTrue(System.nanoTime() < deadline, what + " not within " + timeout);
      Thread.sleep(200); // a poll interval, not a wait for an event: each round asks the cluster again
    }
  }

  private static LineClient imapOn(TestNode node, String host) throws Exception {
    LineClient imap = new LineClient(host, node.imapPort());
    assertTrue(imap.line().startsWith("* OK"));
    assertTrue(LineClient.last(imap.imap("l1", "LOGIN " + USER + " \"" + a.password() + "\"")).startsWith("l1 OK"));
    assertTrue(LineClient.last(imap.imap("s1", "SELECT INBOX")).startsWith("s1 OK"));
    return imap;
  }

  @Test
  void whereFollowsAWeightOfZeroAndKickEndsTheSessionWithBye() throws Exception {
    try (LineClient imap = imapOn(b, "127.0.0.2");
         LineClient idle = imapOn(a, "127.0.0.1")) {
      idle.send("i1 IDLE\r\n");
      assertTrue(idle.line().startsWith("+"));
      JsonNode where = json("where", USER, "--json");
      String first = where.path("node").asText(null);
      assertNotNull(first, where.toString());
      assertEquals(2, where.path("ranking").size(), where.toString());
      assertNotEquals(first, where.path("replica").asText(), where.toString());
      assertTrue(admin("where", USER).contains(USER + " shard " + where.path("shard").asText() + " on " + first));

      JsonNode status = json("cluster", "status", "--json");
      assertEquals(2, status.path("nodes").size(), status.toString());
      assertTrue(status.path("shards").asInt() > 0, status.toString());
      int sessions = 0;
      for (JsonNode n : status.path("nodes")) {
        assertEquals(100, n.path("weight").asInt(), status.toString());
        sessions += n.path("sessions").asInt();
      }
      assertEquals(2, sessions, status.toString());

      assertTrue(admin("weight", first, "0").contains("set to 0"));
      String[] now = {first};
      int[] noops = {0};
      until("the shard leaving the drained node", SHARD_MOVES, () -> {
        // Each NOOP reaches the user's mailbox through sharding, which starts the shard where it now belongs; the
        // session must keep working through the move.
        String tag = "n" + (++noops[0]);
        assertTrue(LineClient.last(imap.imap(tag, "NOOP")).startsWith(tag + " OK"));
        now[0] = json("where", USER, "--json").path("node").asText(null);
        return now[0] != null && !now[0].equals(first);
      });
      JsonNode after = json("cluster", "status", "--json");
      for (JsonNode n : after.path("nodes")) {
        if (n.path("node").asText().equals(first)) {
          assertEquals(0, n.path("weight").asInt(), after.toString());
          assertEquals(100, n.path("startWeight").asInt(), after.toString());
        }
      }
      assertTrue(LineClient.last(imap.imap("s2", "STATUS INBOX (MESSAGES)")).startsWith("s2 OK"));

      // The IDLE session never polled; it followed the mailbox to its new node and gets the push.
      try (LineClient smtp = new LineClient("127.0.0.1", a.smtpPort())) {
        assertTrue(smtp.smtpReply().startsWith("220"));
        assertTrue(smtp.smtp("EHLO test.example").startsWith("250"));
        assertTrue(smtp.smtp("MAIL FROM:<sender@example.org>").startsWith("250"));
        assertTrue(smtp.smtp("RCPT TO:<" + USER + ">").startsWith("250"));
        assertTrue(smtp.smtp("DATA").startsWith("354"));
        assertTrue(smtp.smtp("Subject: after the move\r\n\r\nhello\r\n.").startsWith("250"));
      }
      String pushed = idle.line();
      assertTrue(pushed.matches("\\* \\d+ EXISTS"), pushed);

      JsonNode kicked = json("kick", USER, "--json");
      assertEquals(2, kicked.path("sessions").asInt(), kicked.toString());
      for (LineClient c : new LineClient[] {imap, idle}) {
        String line = c.line();
        for (int i = 0; i < 5 && line != null && !line.startsWith("* BYE"); i++) {
          line = c.line(); // untagged updates (RECENT, FETCH) may come first
        }
        assertTrue(line != null && line.startsWith("* BYE [UNAVAILABLE]"), line);
        assertNull(c.line());
      }
    } finally {
      admin("weight", "127.0.0.1", "100");
      admin("weight", "127.0.0.2", "100");
    }
  }

  private static void deliver(String token) throws Exception {
    try (LineClient smtp = new LineClient("127.0.0.1", a.smtpPort())) {
      assertTrue(smtp.smtpReply().startsWith("220"));
      assertTrue(smtp.smtp("EHLO test.example").startsWith("250"));
      assertTrue(smtp.smtp("MAIL FROM:<sender@example.org>").startsWith("250"));
      assertTrue(smtp.smtp("RCPT TO:<" + USER + ">").startsWith("250"));
      assertTrue(smtp.smtp("DATA").startsWith("354"));
      assertTrue(smtp.smtp("Subject: " + token + "\r\n\r\n" + token + "\r\n.").startsWith("250"));
    }
  }

  @Test
  void flushMovesAUserBackToItsPreferredNodeWithItsMailAndStatusShowsReplicaLag() throws Exception {
    try (LineClient imap = imapOn(b, "127.0.0.2")) {
      String preferred = json("where", USER, "--json").path("ranking").get(0).asText();
      String before = "flush-before-" + System.nanoTime();
      deliver(before);
      // Shards stay where they are when a node's weight goes up again: drain the preferred node, restore it.
      assertTrue(admin("weight", preferred, "0").contains("set to 0"));
      int[] noops = {0};
      Callable<String> hostNow = () -> {
        String tag = "n" + (++noops[0]);
        assertTrue(LineClient.last(imap.imap(tag, "NOOP")).startsWith(tag + " OK"));
        return json("where", USER, "--json").path("node").asText(null);
      };
      until("the shard leaving " + preferred, SHARD_MOVES, () -> {
        String now = hostNow.call();
        return now != null && !now.equals(preferred);
      });
      assertTrue(admin("weight", preferred, "100").contains("set to 100"));
      String during = "flush-during-" + System.nanoTime();
      deliver(during);
      assertNotEquals(preferred, hostNow.call(), "a weight going up moves nothing by itself");

      assertTrue(admin("flush").contains("flush requested"));
      until("the shard back on " + preferred + " after flush", SHARD_MOVES,
          () -> preferred.equals(hostNow.call()));
      String after = "flush-after-" + System.nanoTime();
      deliver(after);
      String all;
      // A new session, through the other node, sees every message in its SELECT.
      try (LineClient reader = imapOn(a, "127.0.0.1")) {
        List<String> fetched = reader.imap("f", "UID FETCH 1:* (BODY.PEEK[TEXT])");
        assertTrue(LineClient.last(fetched).startsWith("f OK"), fetched.toString());
        all = String.join("\n", fetched);
      }
      for (String token : List.of(before, during, after)) {
        assertEquals(1, all.split(token, -1).length - 1, token + " exactly once in " + all);
      }

      JsonNode status = json("cluster", "status", "--json");
      assertTrue(status.has("laggingShards"), status.toString());
      for (JsonNode n : status.path("nodes")) {
        assertTrue(n.path("replicaLag").path("journalByReplica").isObject(), status.toString());
        assertTrue(n.path("replicaLag").path("shards").isObject(), status.toString());
      }
    } finally {
      admin("weight", "127.0.0.1", "100");
      admin("weight", "127.0.0.2", "100");
    }
  }
}
