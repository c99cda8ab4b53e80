package org.mailhive.sasl;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.mailhive.config.MailhiveSettings;
import org.mailhive.config.MailhiveSettings.AuthSettings;
import org.mailhive.directory.AuthDispatcher;
import org.mailhive.directory.DirectoryEntry;
import org.mailhive.directory.UserDirectory;
import org.mailhive.net.Connection;
import org.mailhive.net.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way every protocol logs a client in (IMAP, POP3, SMTP submission), so that throttling, master logins and
 * the {@code auth_failed} log line are the same for all of them. One per node (a Pekko extension, like
 * {@code UserConnections}), so ten failures over IMAP count against the same IP's POP3 and SMTP logins.
 *
 * <p>An attempt from a blocked IP or for a blocked login is refused at once, its password unchecked. Otherwise the
 * password is checked on the {@link AuthDispatcher}'s threads and the outcome is held back by the throttle's delay
 * (scheduled, no thread waits), whether the password was right or not, so a guesser cannot tell from the timing.
 */
public final class Authenticator implements Extension {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

  public enum Status { OK, FAILED, BLOCKED }

  /** How an attempt ended; {@code user} is the canonical user logged in as (set only for OK). */
  public record Outcome(Status status, String user, String login, String mech) {
    /** For a session's pipeToSelf: the stages here never fail, but a stopped executor would leave no outcome. */
    public static Outcome orFailed(Outcome o) {
      return o != null ? o : new Outcome(Status.FAILED, null, "", "");
    }
  }

  /** What the log line needs of the client, read on the session's thread before the check leaves it. */
  private record Attempt(String proto, String mech, String login, InetAddress address, int lport, boolean tls,
                         String sid) {
    Attempt(Connection conn, String proto, String mech, String login) {
      this(proto, mech, login, conn.remote().getAddress(), conn.local().getPort(), conn.tlsActive(), conn.sid());
    }

    String ip() {
      return address.getHostAddress();
    }
  }

  private final ActorSystem<?> system;
  private final AuthSettings settings;
  private final AuthThrottle throttle;

  Authenticator(ActorSystem<?> system, AuthSettings settings) {
    this.system = system;
    this.settings = settings;
    this.throttle = new AuthThrottle(settings.throttle(), System::currentTimeMillis);
  }

  public static Authenticator of(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** Checks a login and password from a client; the stage never fails (an error is a FAILED outcome, logged). */
  public CompletionStage<Outcome> authenticate(Connection conn, String proto, UserDirectory directory, String mech,
                                               String login, String password) {
    Attempt a = new Attempt(conn, proto, mech, login);
    AuthThrottle.Verdict verdict = throttle.check(a.ip(), key(login));
    if (verdict.blocked()) {
      logFailure(a, throttle.failuresOfIp(a.ip()), "blocked");
      return CompletableFuture.completedFuture(new Outcome(Status.BLOCKED, null, login, mech));
    }
    CompletableFuture<Outcome> checked = CompletableFuture.supplyAsync(
        () -> check(a, directory, password), AuthDispatcher.of(system));
    CompletableFuture<Outcome> answered = checked.exceptionally(e -> {
      LOG.warn("auth_error proto={} user=\"{}\" mech={} rip={} sid={}", proto, LogText.clean(login), mech, a.ip(),
          a.sid(), e);
      return new Outcome(Status.FAILED, null, login, mech);
    });
    return after(answered, verdict);
  }

  /**
   * The end of a SCRAM exchange (RFC 5802), whose proof the session's {@link ScramSha256Server} has checked (a few
   * HMACs, no slow hash): throttled, counted and logged like a password login. No master logins over SCRAM.
   */
  public CompletionStage<Outcome> verified(Connection conn, String proto, UserDirectory directory, String mech,
                                           String login, boolean proofOk) {
    Attempt a = new Attempt(conn, proto, mech, login);
    AuthThrottle.Verdict verdict = throttle.check(a.ip(), key(login));
    if (verdict.blocked()) {
      logFailure(a, throttle.failuresOfIp(a.ip()), "blocked");
      return CompletableFuture.completedFuture(new Outcome(Status.BLOCKED, null, login, mech));
    }
    Optional<DirectoryEntry.User> user = directory.userEntry(login).filter(DirectoryEntry.User::active);
    Outcome o;
    if (proofOk && user.isPresent()) {
      throttle.succeeded(key(login));
      o = new Outcome(Status.OK, user.get().address(), login, mech);
    } else {
      String reason = user.isEmpty() ? "unknown_user"
          : directory.scramCredentials(login).isEmpty() ? "no_scram_credentials" : "bad_password";
      logFailure(a, throttle.failed(a.ip(), key(login)), reason);
      o = new Outcome(Status.FAILED, null, login, mech);
    }
    return after(CompletableFuture.completedFuture(o), verdict);
  }

  /** The outcome once the throttle's delay has passed: scheduled, so no thread waits. */
  private CompletionStage<Outcome> after(CompletableFuture<Outcome> outcome, AuthThrottle.Verdict verdict) {
    long delayMs = verdict.delay().toMillis();
    if (delayMs == 0) {
      return outcome;
    }
    Executor later = CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, AuthDispatcher.of(system));
    return outcome.thenApplyAsync(o -> o, later);
  }

  /**
   * A SASL response that names no usable credentials (bad PLAIN syntax, a foreign authorization identity): a
   * failure like a wrong password, counted and logged the same way.
   */
  public CompletionStage<Outcome> malformed(Connection conn, String proto, String mech, String login) {
    Attempt a = new Attempt(conn, proto, mech, login);
    if (throttle.check(a.ip(), key(login)).blocked()) {
      logFailure(a, throttle.failuresOfIp(a.ip()), "blocked");
      return CompletableFuture.completedFuture(new Outcome(Status.BLOCKED, null, login, mech));
    }
    logFailure(a, throttle.failed(a.ip(), key(login)), "malformed");
    return CompletableFuture.completedFuture(new Outcome(Status.FAILED, null, login, mech));
  }

  private Outcome check(Attempt a, UserDirectory directory, String password) {
    String login = a.login();
    String sep = settings.master().separator();
    int at = login.lastIndexOf(sep);
    // An address that itself holds the separator (a local part may contain "*") stays an ordinary login.
    if (at > 0 && at < login.length() - sep.length() && directory.user(login).isEmpty()) {
      return checkMaster(a, directory, login.substring(0, at),
          login.substring(at + sep.length()), password);
    }
    Optional<String> user = directory.authenticate(login, password);
    if (user.isPresent()) {
      throttle.succeeded(key(login));
      return new Outcome(Status.OK, user.get(), login, a.mech());
    }
    String reason = directory.user(login).isPresent() ? "bad_password" : "unknown_user";
    logFailure(a, throttle.failed(a.ip(), key(login)), reason);
    return new Outcome(Status.FAILED, null, login, a.mech());
  }

  /**
   * {@code user*master} (Dovecot's auth_master_user_separator): the master's own password logs in as the user.
   * Only configured masters, only from configured networks, only into an active user.
   */
  private Outcome checkMaster(Attempt a, UserDirectory directory, String asUser, String master, String password) {
    String login = a.login();
    boolean allowed = settings.master().logins().contains(UserDirectory.canonical(master))
        && settings.master().networks().contains(a.address());
    Optional<String> masterOk = directory.authenticate(master, password); // always run: same timing either way
    Optional<DirectoryEntry.User> target = directory.userEntry(asUser).filter(DirectoryEntry.User::active);
    if (allowed && masterOk.isPresent() && target.isPresent()) {
      throttle.succeeded(key(login));
      LOG.info("auth_master proto={} user=\"{}\" master=\"{}\" mech={} rip={} sid={}", a.proto(),
          LogText.clean(target.get().address()), LogText.clean(masterOk.get()), a.mech(), a.ip(), a.sid());
      return new Outcome(Status.OK, target.get().address(), login, a.mech());
    }
    String reason = !allowed ? "master_refused" : masterOk.isEmpty() ? "bad_password" : "unknown_user";
    logFailure(a, throttle.failed(a.ip(), key(login)), reason);
    return new Outcome(Status.FAILED, null, login, a.mech());
  }

  /** The one auth_failed line (CONVENTIONS §5); README and reference.conf show the fail2ban filter for it. */
  private static void logFailure(Attempt a, int attempts, String reason) {
    LOG.info("auth_failed proto={} user=\"{}\" mech={} rip={} lport={} tls={} attempts={} reason={} sid={}",
        a.proto(), LogText.clean(a.login()), a.mech(), a.ip(), a.lport(), a.tls(), attempts, reason, a.sid());
  }

  private static String key(String login) {
    return login == null ? "" : login.trim().toLowerCase(Locale.ROOT);
  }

  static final class Id extends ExtensionId<Authenticator> {
    static final Id INSTANCE = new Id();

    @Override
    public Authenticator createExtension(ActorSystem<?> system) {
      return new Authenticator(system, MailhiveSettings.loadAuth(system.settings().config()));
    }
  }
}
