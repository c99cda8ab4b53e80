package org.mailhive.node.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.mailhive.directory.DirectoryEntry.Alias;
import org.mailhive.directory.DirectoryEntry.Domain;
import org.mailhive.directory.DirectoryEntry.Kind;
import org.mailhive.directory.DirectoryEntry.MailingList;
import org.mailhive.directory.DirectoryEntry.User;
import org.mailhive.directory.DirectoryImport;
import org.mailhive.directory.PasswordHash;
import org.mailhive.directory.ScramCredentials;
import org.mailhive.directory.UserDirectory;
import org.mailhive.queue.OutboundQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's admin API over HTTP (JDK server, JSON): the directory's users, domains, aliases and lists, and bulk
 * import. {@link AdminCli} is its client. Paths:
 * <pre>
 * GET    /api/directory/{users|domains|aliases|lists}          list
 * GET    /api/directory/{kind}/{name}                          one entry
 * PUT    /api/directory/{kind}/{name}   JSON fields            create, or change the fields given
 * DELETE /api/directory/{kind}/{name}                          remove
 * POST   /api/directory/import/{passwd-file|aliases}?default-domain=D   body: the file
 * GET    /api/cluster/status                                   nodes, roles, weights, shards, sessions, degraded writes
 * GET    /api/cluster/where/{user}                             the node hosting the user's shard, and its replica
 * PUT    /api/cluster/weight/{node}     {"weight":N}           a store node's weight at runtime; 0 drains it
 * POST   /api/cluster/flush                                    move every user to its preferred node now
 * POST   /api/cluster/kick/{user}                              end the user's sessions on every node
 * </pre>
 * Replies: 200 {@code {"confirmed":true|false}} (false: written on this node, still spreading), 400/404
 * {@code {"error":"…"}}. Password hashes are never sent back, only their scheme.
 */
public final class AdminHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Bigger bodies are not a passwd-file anyone should post in one go. */
  private static final int MAX_BODY = 64 * 1024 * 1024;
  private static final String PREFIX = "/api/directory/";
  private static final String QUEUE_PATH = "/api/queue";
  // Each partition answers from memory; longer than this means a partition is moving between nodes.
  private static final java.time.Duration QUEUE_STATUS_TIMEOUT = java.time.Duration.ofSeconds(10);

  private final HttpServer server;
  private final ExecutorService executor;
  private final UserDirectory directory;
  private final OutboundQueue outbound;
  private final ClusterAdmin cluster;
  private static final String CLUSTER_PREFIX = "/api/cluster/";
  private static final long CLUSTER_TIMEOUT_S = 20;

  private AdminHttpServer(HttpServer server, ExecutorService executor, UserDirectory directory,
                          OutboundQueue outbound, ClusterAdmin cluster) {
    this.cluster = cluster;
    this.server = server;
    this.executor = executor;
    this.directory = directory;
    this.outbound = outbound;
  }

  /**
   * @param outbound the node's outbound queue for {@code GET /api/queue}; null on a node without one
   * @param cluster answers {@code /api/cluster/*}; null where there is no cluster to ask (tests of the directory API)
   */
  public static AdminHttpServer start(AdminSettings settings, UserDirectory directory, OutboundQueue outbound,
                                      ClusterAdmin cluster)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.httpPort()), 16);
    // Two threads: a password change spends ~50 ms of Argon2id; the API is for admins, not for load.
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "mailhive-admin-http");
      t.setDaemon(true);
      return t;
    });
    AdminHttpServer admin = new AdminHttpServer(server, executor, directory, outbound, cluster);
    server.setExecutor(executor);
    server.createContext("/api/", admin::handle);
    server.createContext(QUEUE_PATH, admin::handleQueue);
    server.start();
    return admin;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private record Reply(int status, Object body) {}

  private void handle(HttpExchange ex) {
    Reply reply;
    try {
      reply = route(ex);
    } catch (IllegalArgumentException e) {
      reply = error(400, e.getMessage());
    } catch (Exception e) {
      LOG.warn("admin_request_failed method={} path={} error=\"{}\"", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
      reply = error(500, "internal error: " + e.getMessage());
    }
    send(ex, reply);
  }

  private static void send(HttpExchange ex, Reply reply) {
    try (ex) {
      byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reply.body());
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      LOG.debug("admin reply not sent: {}", e.toString());
    }
  }

  /**
   * {@code GET /api/queue}: {@code {"messages": N, "recipients": M}}, the outbound queue over all partitions (the
   * mailq count). Asks each partition once; 503 when one does not answer in time.
   */
  private void handleQueue(HttpExchange ex) {
    Reply reply;
    if (outbound == null) {
      reply = error(404, "this node has no outbound queue (no edge role)");
    } else if (!ex.getRequestMethod().equalsIgnoreCase("GET")) {
      reply = error(405, "the queue takes GET only");
    } else {
      try {
        int[] size = outbound.size().toCompletableFuture().get(QUEUE_STATUS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        reply = new Reply(200, Map.of("messages", size[0], "recipients", size[1]));
      } catch (Exception e) {
        reply = error(503, "queue size unavailable: " + e.getClass().getSimpleName());
      }
    }
    send(ex, reply);
  }

  private static Reply error(int status, String message) {
    return new Reply(status, Map.of("error", message == null ? "bad request" : message));
  }

  private Reply route(HttpExchange ex) throws Exception {
    String path = ex.getRequestURI().getRawPath();
    if (path.startsWith(CLUSTER_PREFIX)) {
      return clusterRoute(ex, path.substring(CLUSTER_PREFIX.length()));
    }
    if (!path.startsWith(PREFIX)) {
      return error(404, "no such path: " + path);
    }
    String[] parts = path.substring(PREFIX.length()).split("/", 2);
    String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    if (parts[0].equals("import")) {
      if (!method.equals("POST") || parts.length < 2) {
        return error(405, "import takes POST /api/directory/import/{passwd-file|aliases}");
      }
      return importFile(parts[1], query(ex).get("default-domain"), new String(body(ex), StandardCharsets.UTF_8));
    }
    Kind kind = switch (parts[0]) {
      case "users" -> Kind.USER;
      case "domains" -> Kind.DOMAIN;
      case "aliases" -> Kind.ALIAS;
      case "lists" -> Kind.LIST;
      default -> throw new IllegalArgumentException("unknown kind \"" + parts[0] + "\"; use users, domains, aliases, lists");
    };
    if (parts.length == 1 || parts[1].isEmpty()) {
      if (!method.equals("GET")) {
        return error(405, "a collection takes GET only");
      }
      return new Reply(200, list(kind));
    }
    String name = URLDecoder.decode(parts[1], StandardCharsets.UTF_8).trim().toLowerCase(Locale.ROOT);
    return switch (method) {
      case "GET" -> list(kind).stream().filter(e -> name.equals(nameOf(kind, e))).findFirst()
          .map(e -> new Reply(200, e)).orElse(error(404, "no such " + kind.name().toLowerCase(Locale.ROOT) + ": " + name));
      case "PUT" -> put(kind, name, JSON.readTree(body(ex)));
      case "DELETE" -> {
        Optional<UserDirectory.WriteResult> r = directory.remove(kind, name).toCompletableFuture().get(10, TimeUnit.SECONDS);
        yield r.map(this::written).orElse(error(404, "no such " + kind.name().toLowerCase(Locale.ROOT) + ": " + name));
      }
      default -> error(405, "use GET, PUT or DELETE");
    };
  }

  private Reply clusterRoute(HttpExchange ex, String rest) throws Exception {
    String[] parts = rest.split("/", 2);
    String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    String arg = parts.length < 2 ? "" : URLDecoder.decode(parts[1], StandardCharsets.UTF_8).trim();
    java.util.concurrent.CompletionStage<? extends JsonNode> answer;
    switch (parts[0]) {
      case "status" -> {
        if (!method.equals("GET")) {
          return error(405, "status takes GET");
        }
        answer = cluster.status();
      }
      case "where" -> {
        if (!method.equals("GET") || arg.isEmpty()) {
          return error(405, "where takes GET /api/cluster/where/{user}");
        }
        answer = cluster.where(arg);
      }
      case "weight" -> {
        if (!method.equals("PUT") || arg.isEmpty()) {
          return error(405, "weight takes PUT /api/cluster/weight/{node} with {\"weight\":N}");
        }
        JsonNode b = JSON.readTree(body(ex));
        if (b == null || !b.path("weight").canConvertToInt() || !b.path("weight").isIntegralNumber()) {
          throw new IllegalArgumentException("body must be {\"weight\": N} with N from 0 to 1000");
        }
        answer = cluster.setWeight(arg, b.get("weight").asInt());
      }
      case "flush" -> {
        if (!method.equals("POST") || !arg.isEmpty()) {
          return error(405, "flush takes POST /api/cluster/flush");
        }
        answer = cluster.flush();
      }
      case "kick" -> {
        if (!method.equals("POST") || arg.isEmpty()) {
          return error(405, "kick takes POST /api/cluster/kick/{user}");
        }
        answer = cluster.kick(arg);
      }
      default -> {
        return error(404, "no such path: " + CLUSTER_PREFIX + rest + " (status, where, weight, flush, kick)");
      }
    }
    return new Reply(200, answer.toCompletableFuture().get(CLUSTER_TIMEOUT_S, TimeUnit.SECONDS));
  }

  private Reply written(UserDirectory.WriteResult r) {
    return new Reply(200, Map.of("confirmed", r.confirmed()));
  }

  private static String nameOf(Kind kind, JsonNode e) {
    return e.get(kind == Kind.DOMAIN ? "name" : "address").asText();
  }

  private List<JsonNode> list(Kind kind) {
    List<JsonNode> out = new ArrayList<>();
    switch (kind) {
      case USER -> directory.users().forEach(u -> {
        ObjectNode n = JSON.valueToTree(u);
        n.remove("passwordHash");
        n.put("passwordScheme", scheme(u.passwordHash()));
        // StoredKey and ServerKey are secrets like the hash: only whether the user has them is shown.
        n.remove("scram");
        n.put("scramSha256", u.scram() != null);
        out.add(n);
      });
      case DOMAIN -> directory.domains().forEach(d -> out.add(JSON.valueToTree(d)));
      case ALIAS -> directory.aliases().forEach(a -> out.add(JSON.valueToTree(a)));
      case LIST -> directory.lists().forEach(l -> out.add(JSON.valueToTree(l)));
    }
    return out;
  }

  private static String scheme(String hash) {
    if (hash.startsWith("{")) {
      return hash.substring(1, Math.max(1, hash.indexOf('}')));
    }
    for (String[] s : new String[][] {{"$1$", "MD5-CRYPT"}, {"$5$", "SHA256-CRYPT"}, {"$6$", "SHA512-CRYPT"},
        {"$2", "BLF-CRYPT"}, {"$argon2id$", "ARGON2ID"}}) {
      if (hash.startsWith(s[0])) {
        return s[1];
      }
    }
    return "UNKNOWN";
  }

  private Reply put(Kind kind, String name, JsonNode b) throws Exception {
    if (b == null || !b.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    var write = switch (kind) {
      case USER -> {
        Optional<User> old = directory.userEntry(name);
        String hash;
        // SCRAM-SHA-256 credentials come only from a password given in clear; a bare hash gives none.
        String scram;
        if (b.hasNonNull("password")) {
          String pw = b.get("password").asText();
          if (pw.isEmpty()) {
            throw new IllegalArgumentException("the password cannot be empty");
          }
          hash = PasswordHash.hash(pw);
          scram = ScramCredentials.derive(pw);
        } else if (b.hasNonNull("passwordHash")) {
          hash = b.get("passwordHash").asText();
          if (scheme(hash).equals("UNKNOWN") || hash.startsWith("{PLAIN}")) {
            throw new IllegalArgumentException("not a password hash in a known scheme (MD5/SHA256/SHA512/BLF-CRYPT, ARGON2ID, PBKDF2)");
          }
          scram = null;
        } else {
          hash = old.map(User::passwordHash).orElseThrow(() ->
              new IllegalArgumentException("a new user needs a password or a passwordHash"));
          scram = old.map(User::scram).orElse(null);
        }
        User o = old.orElse(new User(name, "", hash, true, 0, 0, null));
        yield directory.putUser(new User(name, text(b, "realName", o.realName()), hash,
            b.has("active") ? bool(b, "active") : o.active(), number(b, "quotaBytes", o.quotaBytes()),
            number(b, "quotaMessages", o.quotaMessages()), b.has("forward") ? b.get("forward").asText(null) : o.forward(),
            scram));
      }
      case DOMAIN -> {
        Optional<Domain> old = directory.domains().stream().filter(d -> d.name().equals(name)).findFirst();
        Domain o = old.orElse(new Domain(name, false, null));
        yield directory.putDomain(new Domain(name, b.has("primary") ? bool(b, "primary") : o.primary(),
            b.has("catchAll") ? b.get("catchAll").asText(null) : o.catchAll()));
      }
      case ALIAS -> {
        if (!b.hasNonNull("target")) {
          throw new IllegalArgumentException("an alias needs a target");
        }
        yield directory.putAlias(new Alias(name, b.get("target").asText()));
      }
      case LIST -> {
        if (!b.has("members") || !b.get("members").isArray()) {
          throw new IllegalArgumentException("a list needs members (a JSON array of addresses)");
        }
        List<String> members = new ArrayList<>();
        b.get("members").forEach(m -> members.add(m.asText()));
        yield directory.putList(new MailingList(name, members));
      }
    };
    return written(write.toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  private Reply importFile(String what, String defaultDomain, String text) throws Exception {
    DirectoryImport.Result r = switch (what) {
      case "passwd-file" -> DirectoryImport.passwdFile(text, defaultDomain);
      case "aliases", "virtual" -> DirectoryImport.aliasFile(text, defaultDomain);
      default -> throw new IllegalArgumentException("unknown import \"" + what + "\"; use passwd-file or aliases");
    };
    UserDirectory.WriteResult w = directory.importEntries(r.entries()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    ObjectNode n = JSON.createObjectNode();
    n.put("confirmed", w.confirmed());
    n.put("users", r.users());
    n.put("aliases", r.aliases());
    n.put("lists", r.lists());
    n.put("domains", r.domains());
    ArrayNode warnings = n.putArray("warnings");
    r.warnings().forEach(warnings::add);
    LOG.info("directory_imported kind={} users={} aliases={} lists={} warnings={}", what, r.users(), r.aliases(),
        r.lists(), r.warnings().size());
    return new Reply(200, n);
  }

  private static String text(JsonNode b, String field, String otherwise) {
    return b.has(field) ? b.get(field).asText("") : otherwise;
  }

  private static boolean bool(JsonNode b, String field) {
    if (!b.get(field).isBoolean()) {
      throw new IllegalArgumentException(field + " must be true or false");
    }
    return b.get(field).asBoolean();
  }

  private static long number(JsonNode b, String field, long otherwise) {
    if (!b.has(field)) {
      return otherwise;
    }
    if (!b.get(field).canConvertToLong()) {
      throw new IllegalArgumentException(field + " must be a whole number");
    }
    return b.get(field).asLong();
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> q = new HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return q;
  }

  private static byte[] body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw new IllegalArgumentException("body larger than " + MAX_BODY + " bytes");
      }
      return b;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
