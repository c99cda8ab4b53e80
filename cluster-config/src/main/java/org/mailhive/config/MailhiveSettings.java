package org.mailhive.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The node's whole typed configuration, read once at start from {@code mailhive.*} and validated. Defaults live
 * only in reference.conf; this class holds no fallback values.
 */
public record MailhiveSettings(
    NodeSettings node, ClusterSettings cluster, DemoSettings demo, StorageSettings storage,
    SmtpSettings smtp, LmtpSettings lmtp, ImapSettings imap, Pop3Settings pop3) {

  public record NodeSettings(String bindAddress, Path dataDir, String hostname, Set<String> roles, int weight,
                             Duration drainTimeout) {
    public boolean hasRole(String role) {
      return roles.contains(role);
    }
  }

  public record ClusterSettings(int port, List<String> seedNodes, int shardCount) {}

  /** {@code passwordFile} is resolved against the data directory when relative. */
  public record DemoSettings(boolean enabled, String domain, String user, int numberedUsers, Path passwordFile) {
    public String address() {
      return user + "@" + domain;
    }

    /** demo@domain, then demo1@domain … demoN@domain. */
    public List<String> addresses() {
      List<String> all = new java.util.ArrayList<>(numberedUsers + 1);
      all.add(address());
      for (int i = 1; i <= numberedUsers; i++) {
        all.add(user + i + "@" + domain);
      }
      return List.copyOf(all);
    }
  }

  public record StorageSettings(Duration askTimeout, int bodyChunkSize) {}

  public record SmtpSettings(int port, int submissionPort, int submissionsPort, int maxLineLength,
                             long maxMessageSize, int maxRecipients, int maxErrors, Duration idleTimeout,
                             int maxConnectionsPerIp, int maxCommands, NetworkList mynetworks) {}

  public record LmtpSettings(int port) {}

  public record ImapSettings(int port, int tlsPort, int maxLineLength, long maxLiteralSize, int maxNestingDepth,
                             Duration idleTimeout, int maxAuthFailures, int maxConnectionsPerUserIp) {}

  public record Pop3Settings(int port, int tlsPort, int maxLineLength, Duration idleTimeout, int maxAuthFailures) {}

  private static final Set<String> KNOWN_ROLES = Set.of("edge", "store");
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final long GIB = 1024 * MIB;

  /** Reads and validates {@code mailhive.*}; throws {@link SettingsException} naming the first bad key. */
  public static MailhiveSettings load(Config config) {
    SettingsReader root = new SettingsReader(config, "mailhive");
    NodeSettings node = node(root.area("node"));
    return new MailhiveSettings(node, cluster(root.area("cluster")), demo(root.area("demo"), node.dataDir()),
        storage(root.area("storage")), smtp(root.area("smtp")), lmtp(root.area("lmtp")), imap(root.area("imap")),
        pop3(root.area("pop3")));
  }

  private static NodeSettings node(SettingsReader r) {
    String bind = r.nonEmpty("bind-address");
    List<String> roles = r.strings("roles");
    for (String role : roles) {
      if (!KNOWN_ROLES.contains(role)) {
        throw new SettingsException(r.key("roles"), roles.toString(), "unknown role \"" + role + "\"; use edge and/or store");
      }
    }
    if (roles.isEmpty()) {
      throw new SettingsException(r.key("roles"), "[]", "needs at least one of edge, store");
    }
    Path dataDir = Path.of(r.nonEmpty("data-dir"));
    return new NodeSettings(bind, dataDir, r.nonEmpty("hostname"), Set.copyOf(roles), (int) r.intIn("weight", 0, 1000),
        r.durationIn("drain-timeout", Duration.ZERO, Duration.ofMinutes(10)));
  }

  private static ClusterSettings cluster(SettingsReader r) {
    List<String> seeds = r.strings("seed-nodes");
    for (String seed : seeds) {
      if (!seed.matches("[^:\\s]+:\\d{1,5}")) {
        throw new SettingsException(r.key("seed-nodes"), seeds.toString(), "each seed must be host:port, not \"" + seed + "\"");
      }
    }
    return new ClusterSettings((int) r.intIn("port", 0, 65535), List.copyOf(seeds), (int) r.intIn("shard-count", 1, 100_000));
  }

  private static DemoSettings demo(SettingsReader r, Path dataDir) {
    return new DemoSettings(r.bool("enabled"), r.nonEmpty("domain"), r.nonEmpty("user"),
        (int) r.intIn("numbered-users", 0, 100_000), dataDir.resolve(r.nonEmpty("password-file")));
  }

  private static StorageSettings storage(SettingsReader r) {
    return new StorageSettings(r.durationIn("ask-timeout", Duration.ofSeconds(1), Duration.ofMinutes(10)),
        (int) r.bytesIn("body-chunk-size", 4 * KIB, 256 * KIB, "4k", "256k"));
  }

  private static SmtpSettings smtp(SettingsReader r) {
    SettingsReader limits = r.area("limits");
    return new SmtpSettings(r.port("port"), r.port("submission-port"), r.port("submissions-port"),
        (int) limits.bytesIn("max-line-length", 512, 1 * MIB, "512", "1M"),
        limits.bytesIn("max-message-size", 1 * KIB, 2 * GIB, "1k", "2G"),
        (int) limits.intIn("max-recipients", 1, 100_000),
        (int) limits.intIn("max-errors", 1, 10_000),
        limits.durationIn("idle-timeout", Duration.ofSeconds(10), Duration.ofHours(1)),
        (int) limits.intIn("max-connections-per-ip", 0, 100_000),
        (int) limits.intIn("max-commands", 10, 10_000_000),
        networks(r, "mynetworks"));
  }

  private static NetworkList networks(SettingsReader r, String name) {
    List<String> entries = r.strings(name);
    try {
      return NetworkList.parse(entries);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(r.key(name), entries.toString(), e.getMessage());
    }
  }

  private static LmtpSettings lmtp(SettingsReader r) {
    return new LmtpSettings(r.port("port"));
  }

  private static ImapSettings imap(SettingsReader r) {
    SettingsReader limits = r.area("limits");
    return new ImapSettings(r.port("port"), r.port("tls-port"),
        (int) limits.bytesIn("max-line-length", 1 * KIB, 16 * MIB, "1k", "16M"),
        limits.bytesIn("max-literal-size", 1 * KIB, 2 * GIB, "1k", "2G"),
        (int) limits.intIn("max-nesting-depth", 2, 1000),
        limits.durationIn("idle-timeout", Duration.ofMinutes(1), Duration.ofHours(24)),
        (int) limits.intIn("max-auth-failures", 1, 100),
        (int) limits.intIn("max-connections-per-user-ip", 1, 10_000));
  }

  private static Pop3Settings pop3(SettingsReader r) {
    SettingsReader limits = r.area("limits");
    return new Pop3Settings(r.port("port"), r.port("tls-port"),
        (int) limits.bytesIn("max-line-length", 255, 64 * KIB, "255", "64k"),
        limits.durationIn("idle-timeout", Duration.ofMinutes(1), Duration.ofHours(24)),
        (int) limits.intIn("max-auth-failures", 1, 100));
  }
}
