package org.mailhive.smtp.session;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;
import org.mailhive.config.MailhiveSettings.SmtpSettings;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.UserDirectory;
import org.mailhive.net.Connection;
import org.mailhive.net.ConnectionActor;
import org.mailhive.net.LogText;
import org.mailhive.sasl.Authenticator;
import org.mailhive.queue.OutboundQueue;
import org.mailhive.sasl.SaslResponse;
import org.mailhive.sasl.ScramSha256Server;
import org.mailhive.smtp.policy.RelayPolicy;
import org.mailhive.smtp.reply.SmtpReply;

/**
 * One SMTP session (RFC 5321): on the MX port for mail from other MTAs, or on the submission ports (RFC 6409) for
 * a user's own mail. Adds to the shared {@link MailTransactionSession} HELO/EHLO, VRFY, HELP, STARTTLS (RFC 3207)
 * and, on submission, AUTH PLAIN, LOGIN and SCRAM-SHA-256 (RFC 4954, RFC 7677).
 *
 * <p>Submission rules: AUTH is neither offered nor accepted before TLS; MAIL needs AUTH; an authenticated user may
 * send only as itself (the sender-login rule); Message-ID and Date are added when the client left them out.
 */
public final class SmtpSession extends MailTransactionSession {
  /** Which port the session serves. */
  public enum Service {
    MX("smtp"), SUBMISSION("submission");

    private final String logName;

    Service(String logName) {
      this.logName = logName;
    }
  }

  /** A password check finished off the actor's thread. */
  /** {@code serverFinal}: SCRAM's server-final-message, sent before the 235 (null for PLAIN and LOGIN). */
  private record Authenticated(Authenticator.Outcome outcome, String serverFinal) implements ConnectionActor.Command {}

  private final Service service;
  private boolean esmtp;
  private String user;

  public SmtpSession(Connection conn, Service service, SmtpSettings settings, String hostname,
                     UserDirectory directory, Delivery delivery, RelayPolicy relay, OutboundQueue outbound) {
    super(conn, settings, hostname, directory, delivery, relay, outbound);
    this.service = service;
    command("EHLO", arg -> greet(arg, true));
    command("HELO", arg -> greet(arg, false));
    command("VRFY", arg -> reply(SmtpReply.VRFY));
    command("HELP", arg -> reply(SmtpReply.HELP));
    command("STARTTLS", this::startTls);
    command("AUTH", this::auth);
  }

  @Override
  public void onStart() {
    reply("220 " + hostname + " ESMTP Mailhive");
  }

  @Override
  protected String protocol() {
    return service.logName;
  }

  @Override
  protected String receivedWith() {
    return esmtp ? "ESMTP" : "SMTP";
  }

  @Override
  protected boolean authenticated() {
    return user != null;
  }

  @Override
  protected List<String> extensions() {
    List<String> caps = super.extensions();
    if (!conn.tlsActive()) {
      caps.add("STARTTLS");
    } else if (service == Service.SUBMISSION) {
      // RFC 4954 §4: never offer a plaintext mechanism where it would go over the wire unencrypted.
      caps.add("AUTH PLAIN LOGIN SCRAM-SHA-256");
    }
    return caps;
  }

  @Override
  protected String refuseSender(String address) {
    if (service != Service.SUBMISSION) {
      return null;
    }
    if (user == null) {
      return SmtpReply.AUTH_REQUIRED;
    }
    // The null sender is for bounces from MTAs, never for a user's own mail.
    if (address.isEmpty() || !directory.mayUse(user, address)) {
      return SmtpReply.SENDER_NOT_OWNED;
    }
    return null;
  }

  @Override
  protected ByteString prepare(ByteString content) {
    return service == Service.SUBMISSION ? SubmissionHeaders.complete(content, hostname) : content;
  }

  @Override
  protected void answerDelivery(List<Delivery.Outcome> outcomes) {
    reply(outcomes.stream().allMatch(Delivery.Outcome::durable) ? SmtpReply.STORED
        : outcomes.stream().filter(o -> !o.durable()).findFirst().map(this::failureReply)
            .orElse(SmtpReply.TEMPORARY));
  }

  private void greet(String arg, boolean extended) {
    hello(arg, extended);
    if (state == State.GREETED) {
      esmtp = extended;
    }
  }

  private void startTls(String arg) {
    if (conn.tlsActive()) {
      error(SmtpReply.TLS_ALREADY);
      return;
    }
    if (!arg.isEmpty()) {
      error(SmtpReply.SYNTAX);
      return;
    }
    reply(SmtpReply.READY_FOR_TLS);
    // CVE-2011-0411: anything the client pipelined after STARTTLS arrived in plaintext and must not be
    // executed as if it came through TLS.
    int dropped = lines.discardBuffered();
    if (dropped > 0) {
      conn.context().getLog().info("limit_hit limit=smtp.starttls-pipelining dropped={} rip={} sid={}", dropped,
          ip(), conn.sid());
    }
    conn.startTls();
    // RFC 3207 §4.2: after the handshake the client starts over with EHLO; nothing learnt before is kept.
    resetTransaction();
    state = State.CONNECTED;
    helo = null;
    user = null;
  }

  // ---- AUTH (RFC 4954) ----

  private void auth(String arg) {
    if (service != Service.SUBMISSION) {
      error(SmtpReply.AUTH_NOT_AVAILABLE);
      return;
    }
    if (state == State.CONNECTED) {
      error(SmtpReply.HELO_FIRST);
      return;
    }
    if (!conn.tlsActive()) {
      error(SmtpReply.STARTTLS_FIRST);
      return;
    }
    if (user != null) {
      error(SmtpReply.AUTH_ALREADY);
      return;
    }
    if (state == State.MAIL) {
      error(SmtpReply.AUTH_IN_TRANSACTION);
      return;
    }
    String[] parts = arg.split(" ", 2);
    String mech = parts[0].toUpperCase(Locale.ROOT);
    String initial = parts.length > 1 ? parts[1].trim() : null;
    switch (mech) {
      case "PLAIN" -> {
        if (initial != null) {
          plain(initial);
        } else {
          reply(SmtpReply.AUTH_EMPTY_CHALLENGE);
          expectContinuation(this::plain);
        }
      }
      case "LOGIN" -> {
        if (initial != null) {
          loginUsername(initial);
        } else {
          reply(SmtpReply.AUTH_LOGIN_USERNAME);
          expectContinuation(this::loginUsername);
        }
      }
      case ScramSha256Server.MECHANISM -> {
        ScramSha256Server scram = new ScramSha256Server();
        if (initial != null && !initial.equals("=")) {
          scramFirst(scram, initial);
        } else {
          reply(SmtpReply.AUTH_EMPTY_CHALLENGE);
          expectContinuation(r -> scramFirst(scram, r));
        }
      }
      default -> error(SmtpReply.AUTH_MECHANISM);
    }
  }

  // SCRAM-SHA-256 (RFC 5802, RFC 7677): client-first, our server-first as a 334 challenge, client-final.
  private void scramFirst(ScramSha256Server scram, String response) {
    Optional<String> decoded = decode(response);
    if (decoded.isEmpty()) {
      return;
    }
    try {
      ScramSha256Server.First first = scram.first(decoded.get(), directory::scramCredentials);
      reply("334 " + SaslResponse.encode(first.challenge()));
      expectContinuation(r -> scramFinal(scram, first.login(), r));
    } catch (ScramSha256Server.ScramException e) {
      error(SmtpReply.AUTH_SCRAM_SYNTAX);
    }
  }

  private void scramFinal(ScramSha256Server scram, String login, String response) {
    Optional<String> decoded = decode(response);
    if (decoded.isEmpty()) {
      return;
    }
    try {
      ScramSha256Server.Final last = scram.last(decoded.get());
      state = State.BUSY;
      conn.context().pipeToSelf(Authenticator.of(conn.context().getSystem())
              .verified(conn, protocol(), directory, ScramSha256Server.MECHANISM, login, last.ok()),
          (o, ex) -> new Authenticated(Authenticator.Outcome.orFailed(o), last.serverFinal()));
    } catch (ScramSha256Server.ScramException e) {
      error(SmtpReply.AUTH_SCRAM_SYNTAX);
    }
  }

  private void plain(String response) {
    Optional<String> decoded = decode(response);
    if (decoded.isEmpty()) {
      return;
    }
    Optional<SaslResponse.Credentials> c = SaslResponse.plain(decoded.get());
    if (c.isEmpty()) {
      state = State.BUSY;
      conn.context().pipeToSelf(Authenticator.of(conn.context().getSystem()).malformed(conn, protocol(), "PLAIN", "?"),
          (o, ex) -> new Authenticated(Authenticator.Outcome.orFailed(o), null));
      return;
    }
    verify(c.get(), "PLAIN");
  }

  private void loginUsername(String response) {
    Optional<String> login = decode(response);
    if (login.isEmpty()) {
      return;
    }
    reply(SmtpReply.AUTH_LOGIN_PASSWORD);
    expectContinuation(r -> decode(r).ifPresent(password ->
        verify(new SaslResponse.Credentials(login.get(), password), "LOGIN")));
  }

  /** The decoded response; or empty after answering a cancel ("*") or bad base64. */
  private Optional<String> decode(String response) {
    if (response.equals("*")) {
      error(SmtpReply.AUTH_CANCELLED);
      return Optional.empty();
    }
    Optional<String> decoded = SaslResponse.base64(response);
    if (decoded.isEmpty()) {
      error(SmtpReply.AUTH_BAD_BASE64);
    }
    return decoded;
  }

  // Password hashing is deliberately slow and the throttle may hold the answer back; the session waits for it.
  private void verify(SaslResponse.Credentials c, String mech) {
    state = State.BUSY;
    CompletionStage<Authenticator.Outcome> check = Authenticator.of(conn.context().getSystem())
        .authenticate(conn, protocol(), directory, mech, c.login(), c.password());
    conn.context().pipeToSelf(check, (o, ex) -> new Authenticated(Authenticator.Outcome.orFailed(o), null));
  }

  private void loggedIn(Authenticator.Outcome o) {
    user = o.user();
    conn.loggedIn(user);
    conn.context().getLog().info("auth_ok proto={} user={} mech={} rip={} tls={} sid={}", protocol(),
        LogText.clean(user), o.mech(), ip(), conn.tlsActive(), conn.sid());
    reply(SmtpReply.AUTH_OK);
  }

  @Override
  protected void onSessionMessage(ConnectionActor.Command message) {
    if (!(message instanceof Authenticated a)) {
      return;
    }
    state = State.GREETED;
    Authenticator.Outcome o = a.outcome();
    switch (o.status()) {
      case OK -> {
        if (a.serverFinal() == null) {
          loggedIn(o);
          return;
        }
        // RFC 4422 §5: where the profile has no room for additional data with success (235 carries none), it goes
        // out as one more challenge (334) and the client answers with an empty line.
        reply("334 " + SaslResponse.encode(a.serverFinal()));
        expectContinuation(r -> {
          if (r.equals("*")) {
            error(SmtpReply.AUTH_CANCELLED);
          } else {
            loggedIn(o);
          }
        });
      }
      // RFC 4954 §6: 454 4.7.0 is a temporary authentication failure; the client may try again later.
      case BLOCKED -> error(SmtpReply.AUTH_BLOCKED);
      case FAILED -> {
        // Counted and logged (auth_failed) by the Authenticator, once for every protocol.
        error(SmtpReply.AUTH_FAILED);
      }
    }
  }
}
