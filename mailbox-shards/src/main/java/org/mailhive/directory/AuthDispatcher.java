package org.mailhive.directory;

import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * Where password checks run. Argon2id costs tens of milliseconds of CPU and 19 MiB per check by design; on the
 * blob dispatcher a burst of logins queued message reads and fsyncs behind it (bench/RESULTS.md, FETCH BODY p50
 * of seconds during a login storm), so checks get threads of their own. Every protocol's login reaches them
 * through {@code org.mailhive.sasl.Authenticator}, which also throttles.
 */
public final class AuthDispatcher {
  private AuthDispatcher() {}

  public static Executor of(ActorSystem<?> system) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig("mailhive.directory.auth-dispatcher"));
  }
}
