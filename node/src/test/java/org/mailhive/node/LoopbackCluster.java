package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.mailhive.shard.RendezvousPlacement;
import org.mailhive.shard.UserShardExtractor;

/**
 * Node processes on 127.0.0.1 … 127.0.0.N for cluster tests: one cluster port, the first two as seed nodes, a
 * shared demo password and demo1 … demoU users; node i keeps its data in {@code dir/node(i+1)}. Close it to stop
 * every process it started, restarted ones included.
 */
final class LoopbackCluster implements AutoCloseable {
  static final int SHARD_COUNT = 128; // mailhive.cluster.shard-count, the default
  static final Duration UP_TIMEOUT = Duration.ofSeconds(90);

  final Path dir;
  final int size;
  final int clusterPort;
  final String password;
  final NodeProcess[] nodes;
  private final int users;
  private final Path passwordFile;
  private final List<NodeProcess> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  LoopbackCluster(Path dir, int size, int users) throws Exception {
    this.dir = dir;
    this.size = size;
    this.users = users;
    this.nodes = new NodeProcess[size];
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      this.clusterPort = probe.getLocalPort();
    }
    this.passwordFile = dir.resolve("demo-password");
    this.password = "cluster-test-" + Long.toHexString(System.nanoTime());
    Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
  }

  static String host(int i) {
    return "127.0.0." + (i + 1);
  }

  private List<String> args(int i) {
    return List.of(
        "-Xmx256m",
        "-Dmailhive.node.bind-address=" + host(i),
        "-Dmailhive.cluster.port=" + clusterPort,
        "-Dmailhive.cluster.seed-nodes.0=" + host(0) + ":" + clusterPort,
        "-Dmailhive.cluster.seed-nodes.1=" + host(1) + ":" + clusterPort,
        "-Dmailhive.demo.numbered-users=" + users,
        "-Dmailhive.demo.password-file=" + passwordFile);
  }

  /** Starts node i (again) on its data directory, logging to {@code dir/logName}. */
  NodeProcess start(int i, String logName) throws Exception {
    NodeProcess n = NodeProcess.start(dir.resolve("node" + (i + 1)), dir.resolve(logName), args(i));
    started.add(n);
    nodes[i] = n;
    return n;
  }

  /** Starts every node at once and waits until each sees all of them up. */
  void startAll() throws Exception {
    List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int index = i;
      starting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return start(index, "node" + (index + 1) + ".log");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (CompletableFuture<NodeProcess> s : starting) {
      s.get(200, TimeUnit.SECONDS);
    }
    for (int i = 0; i < size; i++) {
      assertTrue(nodes[i].awaitLog("members=" + size, UP_TIMEOUT),
          "node " + host(i) + " did not see a " + size + "-node cluster; see " + nodes[i].log);
    }
  }

  /** SIGTERM to node i and its exit (the graceful shutdown) within {@code timeout}. */
  void stop(int i, Duration timeout) throws InterruptedException {
    nodes[i].sigterm();
    assertTrue(nodes[i].process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS),
        host(i) + " did not stop after SIGTERM; see " + nodes[i].log);
  }

  /** Node indexes in the order the user's shard prefers them, as RendezvousAllocationStrategy ranks them. */
  List<Integer> rankingOf(String user) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      weights.put(host(i) + ":" + clusterPort, 100);
    }
    List<Integer> order = new ArrayList<>();
    for (String n : RendezvousPlacement.ranking(UserShardExtractor.shardOfUser(user, SHARD_COUNT), weights)) {
      order.add(Integer.parseInt(n.substring("127.0.0.".length(), n.indexOf(':'))) - 1);
    }
    return order;
  }

  /** One message per token in one SMTP session through node {@code node}; returns how many got a 250. */
  int deliver(int node, String rcpt, List<String> tokens) throws Exception {
    int accepted = 0;
    try (LineClient smtp = new LineClient(host(node), nodes[node].port("smtp"))) {
      assertTrue(smtp.smtpReply().startsWith("220"));
      assertTrue(smtp.smtp("EHLO client.example.org").startsWith("250"));
      for (String token : tokens) {
        assertTrue(smtp.smtp("MAIL FROM:<sender@example.org>").startsWith("250"));
        assertTrue(smtp.smtp("RCPT TO:<" + rcpt + ">").startsWith("250"));
        assertTrue(smtp.smtp("DATA").startsWith("354"));
        smtp.send("Subject: catch-up\r\nFrom: sender@example.org\r\n\r\nbody " + token + "\r\n");
        if (smtp.smtp(".").startsWith("250 2.0.0")) {
          accepted++;
        }
      }
    }
    return accepted;
  }

  /** The whole INBOX of {@code user} over IMAP through node {@code node}, bodies included, or null if not OK. */
  String tryFetchAll(int node, String user) {
    try (LineClient imap = new LineClient(host(node), nodes[node].port("imap"))) {
      if (!imap.line().startsWith("* OK")
          || !LineClient.last(imap.imap("l", "LOGIN " + user + " \"" + password + "\"")).startsWith("l OK")
          || !LineClient.last(imap.imap("s", "SELECT INBOX")).startsWith("s OK")) {
        return null;
      }
      List<String> fetch = imap.imap("f", "UID FETCH 1:* (BODY.PEEK[])");
      return LineClient.last(fetch).startsWith("f OK") ? String.join("\r\n", fetch) : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** {@code GET /api/cluster/status} from node {@code node}'s admin port, or null when it did not answer. */
  JsonNode status(int node) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create("http://" + host(node) + ":" + nodes[node].port("admin") + "/api/cluster/status"))
          .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new ObjectMapper().readTree(r.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  static int occurrences(String text, String token) {
    int n = 0;
    for (int at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
      n++;
    }
    return n;
  }

  @Override
  public void close() throws Exception {
    for (NodeProcess n : started) {
      n.close();
    }
  }
}
