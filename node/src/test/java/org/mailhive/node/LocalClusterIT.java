package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes on 127.0.0.1, .2 and .3 with the same cluster port, as scripts/local-cluster starts them:
 * mail delivered over SMTP to one node is read back over IMAP from another, for many users (so many shards, on
 * every store node), including a body larger than one Artery frame.
 */
class LocalClusterIT {
  private static final int NODES = 3;
  private static final int USERS = 30;
  private static final Duration CLUSTER_UP_TIMEOUT = Duration.ofSeconds(180);
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static String password;

  @TempDir
  static Path dir;

  private static String host(int i) {
    return "127.0.0." + (i + 1);
  }

  @BeforeAll
  static void startCluster() throws Exception {
    int clusterPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      clusterPort = probe.getLocalPort();
    }
    // The launcher writes the shared password before any node starts; so does this test.
    Path passwordFile = dir.resolve("demo-password");
    password = "cluster-test-" + Long.toHexString(System.nanoTime());
    Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
    String seeds = "-Dmailhive.cluster.seed-nodes.0=" + host(0) + ":" + clusterPort;
    List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      List<String> args = List.of(
          "-Xmx256m",
          "-Dmailhive.node.bind-address=" + host(i),
          "-Dmailhive.cluster.port=" + clusterPort,
          seeds,
          "-Dmailhive.cluster.seed-nodes.1=" + host(1) + ":" + clusterPort,
          "-Dmailhive.demo.numbered-users=" + USERS,
          "-Dmailhive.demo.password-file=" + passwordFile);
      Path data = dir.resolve("node" + (i + 1));
      Path log = dir.resolve("node" + (i + 1) + ".log");
      starting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return NodeProcess.start(data, log, args);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (CompletableFuture<NodeProcess> f : starting) {
      nodes.add(f.get(300, TimeUnit.SECONDS));
    }
    for (int i = 0; i < NODES; i++) {
      assertTrue(nodes.get(i).awaitLog("members=" + NODES, CLUSTER_UP_TIMEOUT),
          "node " + host(i) + " did not see a " + NODES + "-node cluster; see " + nodes.get(i).log);
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (NodeProcess n : nodes) {
      n.close();
    }
  }

  private static String deliver(int node, String rcpt, String subject, String body) throws Exception {
    try (LineClient smtp = new LineClient(host(node), nodes.get(node).port("smtp"))) {
      assertTrue(smtp.smtpReply().startsWith("220"));
      assertTrue(smtp.smtp("EHLO client.example.org").startsWith("250"));
      assertTrue(smtp.smtp("MAIL FROM:<sender@example.org>").startsWith("250"));
      String rcptReply = smtp.smtp("RCPT TO:<" + rcpt + ">");
      assertTrue(rcptReply.startsWith("250"), rcpt + ": " + rcptReply);
      assertTrue(smtp.smtp("DATA").startsWith("354"));
      smtp.send("Subject: " + subject + "\r\nFrom: sender@example.org\r\n\r\n" + body);
      return smtp.smtp(".");
    }
  }

  private static String fetchAll(int node, String user) throws Exception {
    try (LineClient imap = new LineClient(host(node), nodes.get(node).port("imap"))) {
      assertTrue(imap.line().startsWith("* OK"));
      assertTrue(LineClient.last(imap.imap("l", "LOGIN " + user + " \"" + password + "\"")).startsWith("l OK"), user);
      assertTrue(LineClient.last(imap.imap("s", "SELECT INBOX")).startsWith("s OK"));
      List<String> fetch = imap.imap("f", "UID FETCH 1:* (BODY.PEEK[])");
      assertTrue(LineClient.last(fetch).startsWith("f OK"), user + ": " + LineClient.last(fetch));
      return String.join("\r\n", fetch);
    }
  }

  @Test
  void everyMessageIsReadableFromAnotherNodeThanTheOneThatReceivedIt() throws Exception {
    Map<String, String> tokens = new HashMap<>();
    for (int u = 1; u <= USERS; u++) {
      String user = "demo" + u + "@localhost";
      String token = "token-" + u + "-" + Long.toHexString(System.nanoTime());
      tokens.put(user, token);
      String reply = deliver(u % NODES, user, "to " + user, "body " + token + "\r\n");
      assertTrue(reply.startsWith("250 2.0.0"), user + ": " + reply);
    }
    List<String> missing = new ArrayList<>();
    for (int u = 1; u <= USERS; u++) {
      String user = "demo" + u + "@localhost";
      String mailbox = fetchAll((u + 1) % NODES, user);
      if (!mailbox.contains("body " + tokens.get(user)) || !mailbox.contains("Subject: to " + user)) {
        missing.add(user);
      }
    }
    assertEquals(List.of(), missing, "messages not readable from another node");
    // Bodies sit on the store node of their user's shard and on its replica, and 30 users' shards spread over all
    // three nodes (the chance that rendezvous hashing leaves a node without any of 30 shards is below 1e-5).
    long total = 0;
    for (int i = 0; i < NODES; i++) {
      long here = blobCount(dir.resolve("node" + (i + 1)).resolve("blobs"));
      assertTrue(here > 0, "no bodies on " + host(i));
      total += here;
    }
    assertTrue(total >= 2 * USERS && total <= 2 * (USERS + 1), "each body twice, on two nodes: " + total);
  }

  private static long blobCount(Path blobs) throws Exception {
    try (var files = Files.walk(blobs)) {
      return files.filter(Files::isRegularFile).filter(f -> !f.getParent().getFileName().toString().equals("tmp"))
          .count();
    }
  }

  @Test
  void aBodyLargerThanOneClusterFrameCrossesNodesIntact() throws Exception {
    StringBuilder body = new StringBuilder();
    int line = 0;
    while (body.length() < 1_500_000) { // three times Artery's maximum-frame-size as configured (512 KiB)
      body.append("line ").append(line++).append(" of a large message, padded to make it longer than usual\r\n");
    }
    String user = "demo7@localhost";
    String reply = deliver(2, user, "large", body.toString());
    assertTrue(reply.startsWith("250 2.0.0"), reply);
    String mailbox = fetchAll(0, user);
    assertTrue(mailbox.contains("line 0 of a large message"), "start of the large body");
    assertTrue(mailbox.contains("line " + (line - 1) + " of a large message"), "end of the large body");
  }
}
