package org.mailhive.directory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * Where password checks run. Argon2id costs tens of milliseconds of CPU and 19 MiB per check by design; on the
 * blob dispatcher a burst of logins queued message reads and fsyncs behind it (bench/RESULTS.md, FETCH BODY p50
 * of seconds during a login storm), so checks get threads of their own.
 */
public final class AuthDispatcher {
  private AuthDispatcher() {}

  public static Executor of(ActorSystem<?> system) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig("mailhive.directory.auth-dispatcher"));
  }

  /** {@link UserDirectory#authenticate} on these threads; every protocol's login goes through here. */
  public static CompletionStage<Optional<String>> authenticate(ActorSystem<?> system, UserDirectory directory,
                                                               String login, String password) {
    return CompletableFuture.supplyAsync(() -> directory.authenticate(login, password), of(system));
  }
}
