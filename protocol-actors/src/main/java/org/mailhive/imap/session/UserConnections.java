package org.mailhive.imap.session;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Logged-in IMAP sessions per user and client IP on this node, for {@code mailhive.imap.limits
 * .max-connections-per-user-ip} (Dovecot's {@code mail_max_userip_connections}). Per node, as Dovecot counts per
 * server: a client that opens one connection per folder stays on one node behind a source-hash balancer, and a
 * cluster-wide count would cost a round trip per LOGIN. One instance per actor system (a Pekko extension), so every
 * session of the node shares it without being wired through the listener.
 */
public final class UserConnections implements Extension {
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  public static UserConnections of(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** Counts one more session for the pair unless it already has {@code max}; returns whether it was counted. */
  boolean tryAcquire(String user, InetAddress ip, int max) {
    boolean[] acquired = {false};
    counts.compute(key(user, ip), (k, n) -> {
      int current = n == null ? 0 : n;
      if (current >= max) {
        return n;
      }
      acquired[0] = true;
      return current + 1;
    });
    return acquired[0];
  }

  void release(String user, InetAddress ip) {
    counts.computeIfPresent(key(user, ip), (k, n) -> n <= 1 ? null : n - 1);
  }

  private static String key(String user, InetAddress ip) {
    return user + "\u0000" + ip.getHostAddress();
  }

  static final class Id extends ExtensionId<UserConnections> {
    static final Id INSTANCE = new Id();

    @Override
    public UserConnections createExtension(ActorSystem<?> system) {
      return new UserConnections();
    }
  }
}
