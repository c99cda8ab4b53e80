package org.mailhive.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.mailhive.config.SettingsException;

/**
 * {@code java -jar mailhive-node.jar [--config FILE]}: starts one node in the foreground. With no arguments it is
 * the embedded default: a one-node cluster with both roles, data under ./data. Settings come from reference.conf,
 * the optional HOCON file, and {@code -Dmailhive.…} properties, which win. Stop it with Ctrl-C or SIGTERM.
 */
public final class Main {
  private Main() {}

  static {
    CommonPool.atLeastTwoThreads();
  }

  public static void main(String[] args) {
    Config config;
    try {
      config = load(args);
      Node node = Node.start(config);
      // The actor-system-terminate phase itself times out after 10 s; a little more, then the JVM ends regardless.
      ExitWatchdog.register(node.system(), java.time.Duration.ofSeconds(20));
      // SIGTERM (systemd stop, kill, a rolling restart) runs the graceful shutdown and then exits 0: it is the
      // normal way to stop a node, not a failure. Without this handler the JVM would run the same shutdown from
      // its shutdown hook but report 143. SIGINT (Ctrl-C) still goes through Pekko's JVM shutdown hook.
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> CoordinatedShutdown.get(node.system())
          .runAll(GracefulShutdown.SigTerm.INSTANCE));
      node.system().getWhenTerminated().toCompletableFuture().join();
      System.exit(0);
    } catch (SettingsException | ConfigException | IllegalArgumentException e) {
      System.err.println("mailhive: configuration error: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("mailhive: failed to start: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  static Config load(String[] args) {
    Config overrides = ConfigFactory.empty();
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
        Path file = Path.of(args[++i]);
        if (!Files.isReadable(file)) {
          throw new IllegalArgumentException("cannot read config file " + file);
        }
        overrides = ConfigFactory.parseFile(file.toFile()).withFallback(overrides);
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println("usage: mailhive [--config FILE]   (any setting may also be given as -Dmailhive.KEY=VALUE)");
        System.exit(0);
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i] + " (try --help)");
      }
    }
    ConfigFactory.invalidateCaches();
    return ConfigFactory.systemProperties().withFallback(overrides).withFallback(ConfigFactory.load()).resolve();
  }
}
