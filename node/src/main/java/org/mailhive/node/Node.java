package org.mailhive.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.mailhive.account.AccountSharding;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.mailhive.blob.BlobEntity;
import org.mailhive.blob.BlobReplica;
import org.mailhive.blob.BlobStore;
import org.mailhive.journal.ReplicaReceiver;
import org.mailhive.config.MailhiveSettings;
import org.mailhive.config.MailhiveSettings.SmtpSettings;
import org.mailhive.config.tls.TlsMaterial;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.UserDirectory;
import org.mailhive.quota.Quotas;
import org.mailhive.imap.session.ImapSession;
import org.mailhive.net.ListenerSpec;
import org.mailhive.node.admin.AdminHttpServer;
import org.mailhive.node.admin.AdminSettings;
import org.mailhive.node.admin.ClusterAdmin;
import org.mailhive.node.admin.NodeControl;
import org.mailhive.net.SessionFactory;
import org.mailhive.net.TcpListener;
import org.mailhive.pop3.session.Pop3Session;
import org.mailhive.queue.OutboundQueue;
import org.mailhive.queue.QueueSharding;
import org.mailhive.smtp.outbound.OutboundDelivery;
import org.mailhive.shard.MailboxSharding;
import org.mailhive.lmtp.LmtpSession;
import org.mailhive.smtp.policy.RelayPolicy;
import org.mailhive.smtp.reply.SmtpReply;
import org.mailhive.smtp.session.SmtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Mailhive node: the actor system, cluster membership, mailbox sharding, and the protocol
 * listeners of the edge role. {@link Main} starts one from the command line; tests start them in-process.
 */
public final class Node implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<Void> system;
  private final MailhiveSettings settings;
  private final TlsMaterial tls;
  private final Map<String, InetSocketAddress> ports;

  private final AdminHttpServer admin;
  private final UserDirectory directory;

  private Node(ActorSystem<Void> system, MailhiveSettings settings, TlsMaterial tls, Map<String, InetSocketAddress> ports,
               AdminHttpServer admin, UserDirectory directory) {
    this.admin = admin;
    this.directory = directory;
    this.system = system;
    this.settings = settings;
    this.tls = tls;
    this.ports = ports;
  }

  /** Starts a node from a full configuration (reference.conf, application.conf and overrides, resolved). */
  public static Node start(Config config) throws Exception {
    MailhiveSettings settings = MailhiveSettings.load(config);
    Files.createDirectories(settings.node().dataDir());
    TlsMaterial tls = TlsMaterial.loadOrCreate(settings.node().dataDir().resolve("tls"), settings.node().hostname());
    UserDirectory directory = UserDirectory.open(settings.node().dataDir().resolve("users"));
    DemoAccount.ensure(settings, directory);

    // Filled in by the guardian as each listener binds; known up front so that start() can wait for all.
    Map<String, CompletableFuture<InetSocketAddress>> bound = new LinkedHashMap<>();
    if (settings.node().hasRole("edge")) {
      for (String proto : List.of("smtp", "submission", "submissions", "lmtp", "imap", "imaps", "pop3", "pop3s")) {
        bound.put(proto, new CompletableFuture<>());
      }
    }
    // The outbound queue of an edge node, for the admin status; an edge-less node has none.
    CompletableFuture<OutboundQueue> outboundRef = new CompletableFuture<>();
    List<org.apache.pekko.actor.typed.ActorRef<TcpListener.Command>> listeners =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    Behavior<Void> guardian = Behaviors.setup(ctx -> {
      ActorSystem<Void> sys = ctx.getSystem();
      GracefulShutdown.register(sys, listeners, settings.node().drainTimeout());
      if (settings.cluster().seedNodes().isEmpty()) {
        Cluster cluster = Cluster.get(sys);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      ctx.spawn(MembershipLog.create(), "membership-log");
      Config goneNodes = sys.settings().config().getConfig("mailhive.gone-node-downing");
      if (goneNodes.getBoolean("enabled")) {
        ctx.spawn(GoneNodeDowning.create(goneNodes, sys.dispatchers().lookup(
            org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("mailhive.gone-node-downing.dispatcher"))),
            "gone-node-downing");
      }
      org.apache.pekko.actor.Address self = Cluster.get(sys).selfMember().address();
      ctx.spawn(NodeControl.create(self.getHost().orElse("local") + ":" + self.getPort().orElse(0),
          settings.node().drainTimeout(), settings.cluster().shardCount()), "node-control");
      DistributedData ddata = DistributedData.get(sys);
      directory.replicate(sys, ddata.replicator(), ddata.selfUniqueAddress(), ctx);
      org.mailhive.shard.NodeWeights.of(sys).follow(ctx);
      // Bodies are kept on the store node of the user's shard (BlobEntity); an edge-only node keeps none.
      BlobStore blobs = settings.node().hasRole(MailboxSharding.STORE_ROLE)
          ? new BlobStore(settings.node().dataDir().resolve("blobs"), Delivery.ioExecutor(sys)) : null;
      int chunk = settings.storage().bodyChunkSize();
      if (blobs != null) {
        // Receivers of second copies: the primaries of other nodes' shards write here (journal events, bodies).
        Adapter.actorOf(ctx, ReplicaReceiver.props(PekkoConfig.journalDir(settings)), ReplicaReceiver.NAME);
        // The journal starts at once rather than with the first entity: after a restart it shows the ids whose
        // replica lacks events and sends them what they lack, even if no mailbox of this node is opened.
        org.apache.pekko.persistence.Persistence.get(Adapter.toClassic(sys))
            .journalFor("", com.typesafe.config.ConfigFactory.empty());
        ctx.spawn(BlobEntity.create(blobs, chunk), BlobReplica.NAME);
      }
      MailboxSharding mailboxes = MailboxSharding.init(sys, settings.cluster().shardCount(), blobs, chunk);
      AccountSharding accounts = AccountSharding.init(sys, settings.cluster().shardCount());
      QueueSharding queues = QueueSharding.init(sys, settings.cluster().shardCount(),
          settings.smtp().outbound().partitions());
      if (settings.node().hasRole("edge")) {
        Quotas quotas = new Quotas(accounts, mailboxes, directory, settings.quota(), settings.storage().askTimeout());
        Delivery delivery = new Delivery(sys, mailboxes, settings.storage().askTimeout(), chunk, quotas);
        OutboundQueue outbound = new OutboundQueue(queues, delivery, settings.storage().askTimeout());
        outboundRef.complete(outbound);
        ctx.spawn(OutboundDelivery.create(outbound, settings.smtp().outbound(), settings.node().hostname(), directory,
            delivery), "outbound-delivery");
        String host = settings.node().bindAddress();
        Duration ask = settings.storage().askTimeout();
        SmtpSettings smtp = settings.smtp();
        String hostname = settings.node().hostname();
        RelayPolicy relay = new RelayPolicy(directory, smtp.mynetworks());
        ByteString tooMany = SmtpReply.bytes(SmtpReply.TOO_MANY_CONNECTIONS);
        SessionFactory submission = conn ->
            new SmtpSession(conn, SmtpSession.Service.SUBMISSION, smtp, hostname, directory, delivery, relay, outbound);
        for (ListenerSpec spec : List.of(
            new ListenerSpec("smtp", host, smtp.port(), false, tls.serverContext(), smtp.idleTimeout(),
                conn -> new SmtpSession(conn, SmtpSession.Service.MX, smtp, hostname, directory, delivery, relay, outbound),
                smtp.maxConnectionsPerIp(), tooMany),
            // 2587 upgrades with STARTTLS, 2465 starts in TLS (RFC 8314); the session is the same.
            new ListenerSpec("submission", host, smtp.submissionPort(), false, tls.serverContext(),
                smtp.idleTimeout(), submission, smtp.maxConnectionsPerIp(), tooMany),
            new ListenerSpec("submissions", host, smtp.submissionsPort(), true, tls.serverContext(),
                smtp.idleTimeout(), submission, smtp.maxConnectionsPerIp(), tooMany),
            new ListenerSpec("lmtp", host, settings.lmtp().port(), false, tls.serverContext(), smtp.idleTimeout(),
                conn -> new LmtpSession(conn, smtp, hostname, directory, delivery, relay, outbound),
                smtp.maxConnectionsPerIp(), tooMany),
            new ListenerSpec("imap", host, settings.imap().port(), false, tls.serverContext(),
                settings.imap().idleTimeout(),
                conn -> new ImapSession(conn, settings.imap(), directory, mailboxes, accounts, delivery, ask)),
            new ListenerSpec("imaps", host, settings.imap().tlsPort(), true, tls.serverContext(),
                settings.imap().idleTimeout(),
                conn -> new ImapSession(conn, settings.imap(), directory, mailboxes, accounts, delivery, ask)),
            // 2110 upgrades with STLS (RFC 2595), 2995 starts in TLS (RFC 8314); the session is the same.
            new ListenerSpec("pop3", host, settings.pop3().port(), false, tls.serverContext(),
                settings.pop3().idleTimeout(),
                conn -> new Pop3Session(conn, settings.pop3(), directory, mailboxes, delivery, ask)),
            new ListenerSpec("pop3s", host, settings.pop3().tlsPort(), true, tls.serverContext(),
                settings.pop3().idleTimeout(),
                conn -> new Pop3Session(conn, settings.pop3(), directory, mailboxes, delivery, ask)))) {
          listeners.add(
              ctx.spawn(TcpListener.create(spec, bound.get(spec.protocol())), "listener-" + spec.protocol()));
        }
      }
      return Behaviors.empty();
    });
    ActorSystem<Void> system = ActorSystem.create(guardian, PekkoConfig.SYSTEM_NAME, PekkoConfig.derive(settings, config));
    Map<String, InetSocketAddress> ports = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, CompletableFuture<InetSocketAddress>> e : bound.entrySet()) {
        ports.put(e.getKey(), e.getValue().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      }
      // Ready only when the directory is back from its durable copy: a restarted node must not refuse its users.
      directory.loaded().toCompletableFuture().get(BIND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw e;
    }
    AdminHttpServer admin;
    try {
      admin = AdminHttpServer.start(AdminSettings.load(config, settings.node().bindAddress()), directory,
          settings.node().hasRole("edge") ? outboundRef.getNow(null) : null,
          new ClusterAdmin(system, settings.cluster().shardCount()));
    } catch (Exception e) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw e;
    }
    ports.put("admin", admin.address());
    GracefulShutdown.closeInServiceStop(system, "mailhive-admin-http", admin);
    Node node = new Node(system, settings, tls, ports, admin, directory);
    List<String> listening = new ArrayList<>();
    ports.forEach((proto, addr) -> listening.add(proto + "=" + addr.getPort()));
    LOG.info("common_pool threads={}", CommonPool.parallelism());
    LOG.info("mailhive_ready node={} data={} {} login=\"{} with the password in {}\"", settings.node().bindAddress(),
        settings.node().dataDir().toAbsolutePath(), String.join(" ", listening), settings.demo().address(),
        settings.demo().passwordFile());
    return node;
  }

  public InetSocketAddress port(String protocol) {
    InetSocketAddress a = ports.get(protocol);
    if (a == null) {
      throw new IllegalArgumentException("no listener for " + protocol);
    }
    return a;
  }

  public MailhiveSettings settings() {
    return settings;
  }

  public TlsMaterial tls() {
    return tls;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** The directory this node's sessions read (replicated once the node has started). */
  public UserDirectory directory() {
    return directory;
  }

  /** Runs the coordinated shutdown ({@link GracefulShutdown}: drain, hand-off, leave) and waits for its end. */
  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
