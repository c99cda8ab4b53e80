package org.mailhive.smtp.session;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;
import org.mailhive.config.MailhiveSettings.SmtpSettings;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.AuthDispatcher;
import org.mailhive.directory.UserDirectory;
import org.mailhive.net.Connection;
import org.mailhive.net.ConnectionActor;
import org.mailhive.net.LogText;
import org.mailhive.sasl.SaslResponse;
import org.mailhive.smtp.policy.RelayPolicy;
import org.mailhive.smtp.reply.SmtpReply;

/**
 * One SMTP session (RFC 5321): on the MX port for mail from other MTAs, or on the submission ports (RFC 6409) for
 * a user's own mail. Adds to the shared {@link MailTransactionSession} HELO/EHLO, VRFY, HELP, STARTTLS (RFC 3207)
 * and, on submission, AUTH PLAIN and LOGIN (RFC 4954).
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
  private record Authenticated(Optional<String> user, String login, String mech, Throwable failure)
      implements ConnectionActor.Command {}

  private final Service service;
  private boolean esmtp;
  private String user;
  private int authFailures;

  public SmtpSession(Connection conn, Service service, SmtpSettings settings, String hostname,
                     UserDirectory directory, Delivery delivery, RelayPolicy relay) {
    super(conn, settings, hostname, directory, delivery, relay);
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
      caps.add("AUTH PLAIN LOGIN");
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
        : outcomes.stream().filter(o -> !o.durable()).findFirst().map(MailTransactionSession::failureReply)
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
      default -> error(SmtpReply.AUTH_MECHANISM);
    }
  }

  private void plain(String response) {
    Optional<String> decoded = decode(response);
    if (decoded.isEmpty()) {
      return;
    }
    Optional<SaslResponse.Credentials> c = SaslResponse.plain(decoded.get());
    if (c.isEmpty()) {
      failed("?", "PLAIN");
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

  // Password hashing is deliberately slow; it runs off the actor's thread and the session waits for it.
  private void verify(SaslResponse.Credentials c, String mech) {
    state = State.BUSY;
    CompletionStage<Optional<String>> check =
        AuthDispatcher.authenticate(conn.context().getSystem(), directory, c.login(), c.password());
    conn.context().pipeToSelf(check, (u, ex) -> new Authenticated(u == null ? Optional.empty() : u, c.login(), mech, ex));
  }

  @Override
  protected void onSessionMessage(ConnectionActor.Command message) {
    if (!(message instanceof Authenticated a)) {
      return;
    }
    state = State.GREETED;
    if (a.failure() != null) {
      conn.context().getLog().warn("auth_error proto={} user={} mech={} rip={} sid={}", protocol(),
          LogText.clean(a.login()), a.mech(), ip(), conn.sid(), a.failure());
      reply(SmtpReply.AUTH_TEMPORARY);
    } else if (a.user().isPresent()) {
      user = a.user().get();
      conn.loggedIn(user);
      conn.context().getLog().info("auth_ok proto={} user={} mech={} rip={} tls={} sid={}", protocol(),
          LogText.clean(user), a.mech(), ip(), conn.tlsActive(), conn.sid());
      reply(SmtpReply.AUTH_OK);
    } else {
      failed(a.login(), a.mech());
    }
  }

  // The same line as IMAP's (CONVENTIONS §5), so one fail2ban filter serves every protocol.
  private void failed(String login, String mech) {
    authFailures++;
    conn.context().getLog().info("auth_failed proto={} user={} mech={} rip={} lport={} tls={} attempts={} sid={}",
        protocol(), LogText.clean(login), mech, ip(), conn.local().getPort(), conn.tlsActive(), authFailures,
        conn.sid());
    error(SmtpReply.AUTH_FAILED);
  }
}
