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
    SmtpSettings smtp, LmtpSettings lmtp, ImapSettings imap, Pop3Settings pop3, AuthSettings auth,
    QuotaSettings quota) {

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
                             int maxConnectionsPerIp, int maxCommands, NetworkList mynetworks,
                             OutboundSettings outbound) {}

  /**
   * Remote delivery (mailhive.smtp.outbound): {@code relayhost} is "host:port" or empty for MX lookup;
   * retries grow from {@code retryInitial} by doubling up to {@code retryMax} until {@code maxLifetime}.
   */
  public record OutboundSettings(String relayhost, int mxPort, int partitions, Duration pollInterval,
                                 Duration retryInitial, Duration retryMax, Duration maxLifetime,
                                 Duration connectTimeout, Duration commandTimeout, Duration lease,
                                 boolean forwardKeepsCopy) {
    public boolean hasRelayhost() {
      return !relayhost.isEmpty();
    }
  }

  public record LmtpSettings(int port) {}

  /**
   * How quotas are enforced. {@code permanent}: an over-quota recipient gets 552 5.2.2 (the sender bounces at
   * once) instead of 452 4.2.2 (the sender retries). {@code warningPercent}: usage that sends the warning mail.
   */
  public record QuotaSettings(boolean permanent, int warningPercent) {}

  public record ImapSettings(int port, int tlsPort, int maxLineLength, long maxLiteralSize, int maxNestingDepth,
                             Duration idleTimeout, int maxAuthFailures, int maxConnectionsPerUserIp) {}

  public record Pop3Settings(int port, int tlsPort, int maxLineLength, Duration idleTimeout, int maxAuthFailures) {}

  /** {@code mailhive.auth}: login throttling and master users, shared by every protocol. */
  public record AuthSettings(ThrottleSettings throttle, MasterSettings master) {}

  /** Growing delays, then blocks, per client IP and per login (see reference.conf, mailhive.auth.throttle). */
  public record ThrottleSettings(boolean enabled, Duration forgetAfter, Duration firstDelay, int delayFactor,
                                 Duration maxDelay, ThrottleLimits perIp, ThrottleLimits perUser, int maxTracked) {}

  /** {@code blockAfter} 0 never blocks. */
  public record ThrottleLimits(int delayAfter, int blockAfter, Duration blockFor) {}

  /** Master logins (canonical addresses), the separator between user and master, and where masters may log in from. */
  public record MasterSettings(String separator, Set<String> logins, NetworkList networks) {}

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
        pop3(root.area("pop3")), auth(root.area("auth")), quota(root.area("quota")));
  }

  /** Only {@code mailhive.auth}, for the per-node parts that read it from the actor system's configuration. */
  public static AuthSettings loadAuth(Config config) {
    return auth(new SettingsReader(config, "mailhive").area("auth"));
  }

  private static AuthSettings auth(SettingsReader r) {
    SettingsReader t = r.area("throttle");
    ThrottleSettings throttle = new ThrottleSettings(t.bool("enabled"),
        t.durationIn("forget-after", Duration.ofSeconds(1), Duration.ofDays(7)),
        t.durationIn("first-delay", Duration.ZERO, Duration.ofMinutes(1)),
        (int) t.intIn("delay-factor", 1, 10),
        t.durationIn("max-delay", Duration.ZERO, Duration.ofMinutes(5)),
        throttleLimits(t.area("per-ip")), throttleLimits(t.area("per-user")),
        (int) t.intIn("max-tracked", 100, 10_000_000));
    SettingsReader m = r.area("master");
    List<String> logins = m.strings("logins");
    for (String login : logins) {
      if (!login.matches("[^@\\s]+@[^@\\s]+")) {
        throw new SettingsException(m.key("logins"), logins.toString(), "each master login must be an address, not \"" + login + "\"");
      }
    }
    String separator = m.nonEmpty("separator");
    return new AuthSettings(throttle, new MasterSettings(separator,
        Set.copyOf(logins.stream().map(l -> l.trim().toLowerCase(java.util.Locale.ROOT)).toList()),
        networks(m, "networks")));
  }

  private static ThrottleLimits throttleLimits(SettingsReader r) {
    return new ThrottleLimits((int) r.intIn("delay-after", 1, 10_000), (int) r.intIn("block-after", 0, 10_000),
        r.durationIn("block-for", Duration.ofSeconds(1), Duration.ofDays(7)));
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
        networks(r, "mynetworks"), outbound(r.area("outbound")));
  }

  private static OutboundSettings outbound(SettingsReader r) {
    String relayhost = r.string("relayhost").trim();
    if (!relayhost.isEmpty() && !relayhost.matches("\\[?[^:\\s\\[\\]]+\\]?:\\d{1,5}")) {
      throw new SettingsException(r.key("relayhost"), relayhost, "must be host:port (e.g. \"smtp.example.org:587\") or empty");
    }
    Duration retryInitial = r.durationIn("retry-initial", Duration.ofMillis(10), Duration.ofHours(24));
    Duration retryMax = r.durationIn("retry-max", Duration.ofMillis(10), Duration.ofDays(7));
    if (retryMax.compareTo(retryInitial) < 0) {
      throw new SettingsException(r.key("retry-max"), retryMax.toString(), "must not be shorter than retry-initial");
    }
    return new OutboundSettings(relayhost, r.port("mx-port"), (int) r.intIn("queue-partitions", 1, 1024),
        r.durationIn("poll-interval", Duration.ofMillis(10), Duration.ofMinutes(10)), retryInitial, retryMax,
        r.durationIn("max-lifetime", Duration.ofSeconds(1), Duration.ofDays(60)),
        r.durationIn("connect-timeout", Duration.ofMillis(100), Duration.ofMinutes(10)),
        r.durationIn("command-timeout", Duration.ofMillis(100), Duration.ofHours(1)),
        r.durationIn("lease", Duration.ofSeconds(1), Duration.ofHours(24)),
        r.bool("forward-keeps-copy"));
  }

  private static NetworkList networks(SettingsReader r, String name) {
    List<String> entries = r.strings(name);
    try {
      return NetworkList.parse(entries);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(r.key(name), entries.toString(), e.getMessage());
    }
  }

  private static QuotaSettings quota(SettingsReader r) {
    String policy = r.nonEmpty("over-quota-policy");
    if (!policy.equals("temporary") && !policy.equals("permanent")) {
      throw new SettingsException(r.key("over-quota-policy"), policy, "must be temporary or permanent");
    }
    return new QuotaSettings(policy.equals("permanent"), (int) r.intIn("warning-percent", 1, 100));
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
