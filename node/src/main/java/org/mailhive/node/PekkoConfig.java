package org.mailhive.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailhive.config.MailhiveSettings;
import org.mailhive.shard.ShardWeights;

/** Derives the Pekko settings that follow from Mailhive's own: addresses, ports, seeds, roles, storage paths. */
final class PekkoConfig {
  private PekkoConfig() {}

  static final String SYSTEM_NAME = "mailhive";

  static Config derive(MailhiveSettings s, Config base) {
    Map<String, Object> m = new HashMap<>();
    m.put("pekko.remote.artery.canonical.hostname", s.node().bindAddress());
    m.put("pekko.remote.artery.canonical.port", s.cluster().port());
    // The node's weight travels as a role, so the shard coordinator (on whichever node is oldest) knows every
    // store node's weight without the nodes having to share a configuration file.
    List<String> roles = new ArrayList<>(s.node().roles());
    roles.add(ShardWeights.roleOf(s.node().weight()));
    m.put("pekko.cluster.roles", roles);
    m.put("pekko.cluster.seed-nodes", s.cluster().seedNodes().stream()
        .map(hp -> "pekko://" + SYSTEM_NAME + "@" + hp).toList());
    m.put("mailhive.journal.dir", journalDir(s).toString());
    m.put("pekko.persistence.snapshot-store.local.dir", s.node().dataDir().resolve("snapshots").toString());
    // The directory (users, domains, aliases, lists) survives a restart of every node at once: LMDB under data/.
    m.put("pekko.cluster.distributed-data.durable.keys",
        List.of(org.mailhive.directory.UserDirectory.KEY_ID, org.mailhive.shard.NodeWeights.KEY_ID));
    m.put("pekko.cluster.distributed-data.durable.lmdb.dir", DirectoryStoreDir.prepare(s.node().dataDir()).toString());
    // Issue #5: a directory change is visible on every node within one second. Writes go to all nodes at once
    // (WriteAll); the default 500 ms before local subscribers hear of a change would spend half of that second.
    m.put("pekko.cluster.distributed-data.notify-subscribers-interval", "100ms");
    // The drain phase waits for sessions up to drain-timeout; Pekko's default phase timeout (5 s) would cut it short.
    m.put("pekko.coordinated-shutdown.phases.service-requests-done.timeout",
        s.node().drainTimeout().plus(GracefulShutdown.CLOSE_MARGIN).plusSeconds(2).toMillis() + "ms");
    return ConfigFactory.parseMap(m).withFallback(base);
  }

  /** The replicated journal's LevelDB (not "journal": that held Pekko's LevelDB journal, another key layout). */
  static java.nio.file.Path journalDir(MailhiveSettings s) {
    return s.node().dataDir().resolve("replicated-journal");
  }
}
