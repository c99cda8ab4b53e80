package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.shard.RendezvousPlacement;
import org.mailhive.shard.UserShardExtractor;

/**
 * Three node processes; mail is delivered to users whose shards are spread over all nodes, then the primary store
 * node of some of them is killed with SIGKILL. After the Split Brain Resolver downs it, its shards start on their
 * replica nodes, which already hold their journal and bodies: every message that got a 250 is read over IMAP from a
 * surviving node, exactly once. The time from the kill to the first successful read is printed, not asserted.
 */
class FailoverIT {
  private static final int NODES = 3;
  private static final int USERS = 12;
  private static final int SHARD_COUNT = 128; // mailhive.cluster.shard-count, the default
  private static final Duration CLUSTER_UP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);
  // How often a new client tries the dead node's user during the failover: the resolution of the printed times.
  private static final Duration PROBE_EVERY = Duration.ofMillis(250);

  @TempDir
  Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private String password;
  private int clusterPort;

  private static String host(int i) {
    return "127.0.0." + (i + 1);
  }

  private void startCluster() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      clusterPort = probe.getLocalPort();
    }
    Path passwordFile = dir.resolve("demo-password");
    password = "failover-test-" + Long.toHexString(System.nanoTime());
    Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
    List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      List<String> args = List.of(
          "-Xmx256m",
          "-Dmailhive.node.bind-address=" + host(i),
          "-Dmailhive.cluster.port=" + clusterPort,
          "-Dmailhive.cluster.seed-nodes.0=" + host(0) + ":" + clusterPort,
          "-Dmailhive.cluster.seed-nodes.1=" + host(1) + ":" + clusterPort,
          "-Dmailhive.demo.numbered-users=" + USERS,
          "-Dmailhive.demo.password-file=" + passwordFile,
          "-Dmailhive.journal.partition-wait=4s",
          // A new IMAP client every 250 ms during the failover, some waiting out their ask-timeout: above the
          // default 20 sessions per user and IP.
          "-Dmailhive.imap.limits.max-connections-per-user-ip=100");
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
      nodes.add(f.get(200, TimeUnit.SECONDS));
    }
    for (int i = 0; i < NODES; i++) {
      assertTrue(nodes.get(i).awaitLog("members=" + NODES, CLUSTER_UP_TIMEOUT),
          "node " + host(i) + " did not see a " + NODES + "-node cluster; see " + nodes.get(i).log);
    }
  }

  @AfterEach
  void stopCluster() throws Exception {
    for (NodeProcess n : nodes) {
      n.close();
    }
    // Kept beside the reports: the failover's steps are in the survivors' logs.
    for (int i = 0; i < nodes.size(); i++) {
      Files.copy(nodes.get(i).log, Path.of("target", "FailoverIT-node" + (i + 1) + ".log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The node index a user's shard is placed on first, as RendezvousAllocationStrategy places it. */
  private int primaryOf(String user) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (int i = 0; i < NODES; i++) {
      weights.put(host(i) + ":" + clusterPort, 100);
    }
    String primary = RendezvousPlacement.primary(UserShardExtractor.shardOfUser(user, SHARD_COUNT), weights);
    return Integer.parseInt(primary.substring("127.0.0.".length(), primary.indexOf(':'))) - 1;
  }

  private String deliver(int node, String rcpt, String token) throws Exception {
    try (LineClient smtp = new LineClient(host(node), nodes.get(node).port("smtp"))) {
      assertTrue(smtp.smtpReply().startsWith("220"));
      assertTrue(smtp.smtp("EHLO client.example.org").startsWith("250"));
      assertTrue(smtp.smtp("MAIL FROM:<sender@example.org>").startsWith("250"));
      assertTrue(smtp.smtp("RCPT TO:<" + rcpt + ">").startsWith("250"));
      assertTrue(smtp.smtp("DATA").startsWith("354"));
      smtp.send("Subject: failover\r\nFrom: sender@example.org\r\n\r\nbody " + token + "\r\n");
      return smtp.smtp(".");
    }
  }

  /** The whole INBOX of {@code user} over IMAP, or null when the server did not answer OK (yet). */
  private String tryFetchAll(int node, String user) {
    return tryFetchAll(node, user, new StringBuilder());
  }

  /** As above; {@code trace} gets each step's time (ms since the call) and the first reply that was not OK. */
  private String tryFetchAll(int node, String user, StringBuilder trace) {
    long t0 = System.nanoTime();
    try (LineClient imap = new LineClient(host(node), nodes.get(node).port("imap"))) {
      String r = imap.line();
      trace.append("greeting@").append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      if (!r.startsWith("* OK")) {
        return null;
      }
      r = LineClient.last(imap.imap("l", "LOGIN " + user + " \"" + password + "\""));
      trace.append(" login@").append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      if (!r.startsWith("l OK")) {
        trace.append(' ').append(r);
        return null;
      }
      r = LineClient.last(imap.imap("s", "SELECT INBOX"));
      trace.append(" select@").append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      if (!r.startsWith("s OK")) {
        trace.append(' ').append(r);
        return null;
      }
      List<String> fetch = imap.imap("f", "UID FETCH 1:* (BODY.PEEK[])");
      trace.append(" fetch@").append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      if (!LineClient.last(fetch).startsWith("f OK")) {
        trace.append(' ').append(LineClient.last(fetch));
        return null;
      }
      return String.join("\r\n", fetch);
    } catch (Exception e) {
      trace.append(' ').append(e);
      return null;
    }
  }

  private static int occurrences(String text, String token) {
    int n = 0;
    for (int at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void everyAcknowledgedMessageIsReadExactlyOnceAfterThePrimaryOfItsShardIsKilled() throws Exception {
    startCluster();
    Map<String, String> acknowledged = new LinkedHashMap<>();
    int[] primaries = new int[NODES];
    for (int u = 1; u <= USERS; u++) {
      String user = "demo" + u + "@localhost";
      String token = "token-" + u + "-" + Long.toHexString(System.nanoTime());
      String reply = deliver(u % NODES, user, token);
      assertTrue(reply.startsWith("250 2.0.0"), user + ": " + reply);
      acknowledged.put(user, token);
      primaries[primaryOf(user)]++;
    }
    // Not the first node: it is the oldest (shard coordinator) and the first seed, whose loss tests more than
    // failover. Of the other two, the one that is primary for more of the users.
    int victim = primaries[1] >= primaries[2] ? 1 : 2;
    int survivor = 0;
    String probeUser = acknowledged.keySet().stream().filter(u -> primaryOf(u) == victim).findFirst().orElseThrow();
    List<String> users = List.copyOf(acknowledged.keySet());
    assertTrue(primaries[victim] > 0, "no user has its primary on " + host(victim));

    // A new IMAP and a new SMTP client every PROBE_EVERY, each on its own connection to a surviving node; their
    // requests that went to the dead node before its removal are sent again afterwards (HandOffRetry).
    // "Served again" is the first moment a client that arrived after the kill got its mailbox (IMAP LOGIN, SELECT
    // and FETCH of the message) or its 250 (SMTP, a new message to one of the dead node's users).
    // Blocking clients, one thread each (the common pool has one thread on a 2-core machine).
    java.util.concurrent.ExecutorService probes = java.util.concurrent.Executors.newCachedThreadPool();
    long killed = System.nanoTime();
    java.time.Instant killedAt = java.time.Instant.now();
    nodes.get(victim).kill9();
    List<CompletableFuture<Long>> imapProbes = new ArrayList<>();
    List<CompletableFuture<Long>> smtpProbes = new ArrayList<>();
    Map<String, String> lateTokens = new java.util.concurrent.ConcurrentHashMap<>();
    Map<Long, String> traces = new java.util.concurrent.ConcurrentSkipListMap<>();
    List<String> failedClients = new java.util.concurrent.CopyOnWriteArrayList<>();
    long probeDeadline = killed + FAILOVER_TIMEOUT.toNanos();
    CompletableFuture<Long> firstRead = new CompletableFuture<>();
    CompletableFuture<Long> firstAccept = new CompletableFuture<>();
    for (int i = 0; System.nanoTime() < probeDeadline && !(firstRead.isDone() && firstAccept.isDone()); i++) {
      int n = i;
      if (!firstRead.isDone()) {
        imapProbes.add(CompletableFuture.supplyAsync(() -> {
          long from = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
          StringBuilder trace = new StringBuilder();
          String box = tryFetchAll(survivor, probeUser, trace);
          long at = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
          traces.put(from, trace.toString());
          if (box != null && box.contains(acknowledged.get(probeUser))) {
            firstRead.complete(at);
          } else {
            failedClients.add("IMAP client started at " + from + " ms: " + trace);
          }
          return at;
        }, probes));
      }
      if (!firstAccept.isDone()) {
        // SMTP load into every user in turn, not only the dead node's: a 250 for any of them must not be lost.
        String rcpt = users.get(n % users.size());
        smtpProbes.add(CompletableFuture.supplyAsync(() -> {
          String token = "late-" + n + "-" + Long.toHexString(System.nanoTime());
          long from = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
          String reply;
          try {
            reply = deliver(survivor, rcpt, token);
          } catch (Exception | AssertionError e) {
            reply = e.toString();
          }
          if (reply.startsWith("250")) {
            lateTokens.put(token, rcpt);
            if (primaryOf(rcpt) == victim) {
              firstAccept.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            }
          } else {
            failedClients.add("SMTP client started at " + from + " ms: " + reply);
          }
          return 0L;
        }, probes));
      }
      try {
        CompletableFuture.allOf(firstRead, firstAccept).get(PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException notYet) {
        // next round of probes
      }
    }
    assertTrue(firstRead.isDone(), probeUser + " was not served again within " + FAILOVER_TIMEOUT);
    assertTrue(firstAccept.isDone(), "no 250 for " + probeUser + " within " + FAILOVER_TIMEOUT);
    System.out.printf("FailoverIT: %s killed (primary of %d of %d users); %s served again through %s: "
            + "IMAP LOGIN+SELECT+FETCH after %d ms, SMTP 250 after %d ms (issue #6 asks for 5000 ms)%n",
        host(victim), primaries[victim], USERS, probeUser, host(survivor), firstRead.join(), firstAccept.join());
    CompletableFuture.allOf(imapProbes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    traces.forEach((from, trace) -> System.out.println("FailoverIT: IMAP client started at " + from + " ms: " + trace));
    // The steps of the failover as the survivors logged them, to see where the time goes.
    for (int i = 0; i < NODES; i++) {
      if (i != victim) {
        for (String line : nodes.get(i).logLines("_")) {
          if (line.compareTo(killedAt.toString()) > 0 && (line.contains("node=" + host(victim))
              || line.contains("_write") || line.contains("catch_up") || line.contains("repaired")
              || line.contains("WARN"))) {
            System.out.println("FailoverIT: kill at " + killedAt + "; " + host(i) + ": " + line);
          }
        }
      }
    }
    // Probes still running finish (their 250s count as acknowledged) before the read-back.
    CompletableFuture.allOf(smtpProbes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    CompletableFuture.allOf(imapProbes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    probes.shutdown();
    // Issue #6: connections on the surviving nodes retry through the hand-off, so their clients see no error, only
    // a slower answer (HandOffRetry); the test's clients all connected to a survivor after the kill.
    System.out.printf("FailoverIT: %d IMAP and %d SMTP clients during the failover, %d failed%n", imapProbes.size(),
        smtpProbes.size(), failedClients.size());
    assertEquals(List.of(), failedClients, "clients of a surviving node that saw an error during the failover");

    Map<String, Integer> found = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : acknowledged.entrySet()) {
      String all = tryFetchAll(survivor, e.getKey());
      found.put(e.getKey(), all == null ? -1 : occurrences(all, e.getValue()));
    }
    Map<String, Integer> expected = new LinkedHashMap<>();
    acknowledged.keySet().forEach(u -> expected.put(u, 1));
    assertEquals(expected, found, "each acknowledged message exactly once (-1: mailbox not readable)");
    Map<String, String> boxes = new HashMap<>();
    for (Map.Entry<String, String> late : lateTokens.entrySet()) {
      String box = boxes.computeIfAbsent(late.getValue(), u -> tryFetchAll(survivor, u));
      assertNotNull(box, late.getValue());
      assertEquals(1, occurrences(box, late.getKey()), "message acknowledged during the failover: " + late);
    }
    System.out.printf("FailoverIT: %d messages acknowledged during the failover to %d users, each read once%n",
        lateTokens.size(), boxes.size());
  }
}
