package org.mailhive.pop3.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;
import org.mailhive.blob.BlobId;
import org.mailhive.config.MailhiveSettings.Pop3Settings;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.UserDirectory;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.MessageMeta;
import org.mailhive.mailbox.RequestId;
import org.mailhive.net.Connection;
import org.mailhive.net.ConnectionActor;
import org.mailhive.net.LogText;
import org.mailhive.net.ProtocolSession;
import org.mailhive.net.SessionEnd;
import org.mailhive.pop3.command.Pop3Command;
import org.mailhive.pop3.parse.Pop3CommandLine;
import org.mailhive.pop3.parse.Pop3LineDecoder;
import org.mailhive.pop3.parse.Pop3ParseException;
import org.mailhive.pop3.response.Pop3Encoder;
import org.mailhive.pop3.response.Pop3Reply;
import org.mailhive.pop3.response.Rejections;
import org.mailhive.sasl.Authenticator;
import org.mailhive.sasl.SaslResponse;
import org.mailhive.sasl.ScramSha256Server;
import org.mailhive.shard.MailboxAddress;
import org.mailhive.shard.MailboxSharding;

/**
 * One POP3 session (RFC 1939) over the user's INBOX. AUTHORIZATION accepts USER/PASS, AUTH PLAIN (RFC 5034) and
 * AUTH SCRAM-SHA-256 (RFC 7677), plaintext passwords only over TLS or from loopback (Dovecot's rule, as for IMAP); STLS upgrades (RFC 2595). Login opens
 * the INBOX and keeps its listing as a {@link Maildrop} snapshot. TRANSACTION reads bodies from the blob store;
 * DELE only marks. QUIT enters UPDATE: the marked messages get {@code \Deleted} and are expunged by UID, and
 * retrieved ones get {@code \Seen}, as Dovecot does; {@code +OK} is sent only when that is durable. A connection
 * that ends any other way removes nothing (RFC 1939 §6).
 *
 * <p>Commands are queued and run one at a time, so pipelining (RFC 2449 §6.6) keeps its order while a command
 * waits for storage.
 */
public final class Pop3Session implements ProtocolSession {
  private enum State { AUTHORIZATION, TRANSACTION, CLOSED }

  private static final String INBOX = "INBOX";

  private record Authenticated(Authenticator.Outcome outcome) implements ConnectionActor.Command {}

  /** A SCRAM proof judged; {@code serverFinal} goes to the client before the +OK (RFC 5802 §3). */
  private record ScramVerified(Authenticator.Outcome outcome, String serverFinal) implements ConnectionActor.Command {}

  private record Opened(MailboxProtocol.Opened opened, Throwable failure) implements ConnectionActor.Command {}

  private record BodyLoaded(Pop3Command.Retrieve cmd, ByteString body, Throwable failure) implements ConnectionActor.Command {}

  private record UpdateDone(String errorText, Throwable failure) implements ConnectionActor.Command {}

  private final Connection conn;
  private final Pop3Settings settings;
  private final UserDirectory directory;
  private final MailboxSharding mailboxes;
  private final Delivery delivery;
  private final Duration askTimeout;
  private final ArrayDeque<Pop3LineDecoder.Event> queue = new ArrayDeque<>();
  private Pop3LineDecoder decoder;
  private State state = State.AUTHORIZATION;
  private boolean busy;
  private boolean saslPending;
  // SCRAM-SHA-256 in progress: the exchange, the login of its first message, and a success waiting for the
  // client's empty answer to the server-final-message.
  private ScramSha256Server scram;
  private String scramLogin;
  private Authenticator.Outcome scramSucceeded;
  private String pendingUser;
  private int authFailures;
  private String user;
  private Maildrop maildrop;

  public Pop3Session(Connection conn, Pop3Settings settings, UserDirectory directory, MailboxSharding mailboxes,
                     Delivery delivery, Duration askTimeout) {
    this.conn = conn;
    this.settings = settings;
    this.directory = directory;
    this.mailboxes = mailboxes;
    this.delivery = delivery;
    this.askTimeout = askTimeout;
    this.decoder = new Pop3LineDecoder(settings.maxLineLength());
  }

  // ---- ProtocolSession ----

  @Override
  public void onStart() {
    conn.send(Pop3Encoder.ok(Pop3Reply.GREETING));
  }

  @Override
  public void onInput(ByteString bytes) {
    queue.addAll(decoder.feed(bytes));
    drain();
  }

  @Override
  public boolean wantsInput() {
    return !busy && queue.isEmpty() && state != State.CLOSED;
  }

  @Override
  public void onMessage(ConnectionActor.Command message) {
    busy = false;
    if (message instanceof Authenticated m) {
      onAuthenticated(m);
    } else if (message instanceof ScramVerified m) {
      onScramVerified(m);
    } else if (message instanceof Opened m) {
      onOpened(m);
    } else if (message instanceof BodyLoaded m) {
      onBodyLoaded(m);
    } else if (message instanceof UpdateDone m) {
      onUpdateDone(m);
    }
    drain();
  }

  @Override
  public void onIdleTimeout() {
    // RFC 1939 §3: the autologout timer closes the connection without entering the UPDATE state.
    err(Pop3Reply.INACTIVITY);
    close("idle_timeout");
  }

  @Override
  public void onClosed() {
    state = State.CLOSED;
  }

  // Never in the middle of RETR's multi-line answer: the connection waits until the session is between commands.
  // Like the autologout, this does not enter the UPDATE state (RFC 1939 §6): messages marked deleted stay.
  @Override
  public void onServerEnd(SessionEnd why) {
    err(switch (why) {
      case NODE_SHUTDOWN -> Pop3Reply.SHUTTING_DOWN;
      case ADMIN_KICK -> Pop3Reply.KICKED;
    });
    close(why.logReason());
  }

  // ---- command loop ----

  private void drain() {
    while (!busy && state != State.CLOSED && !queue.isEmpty()) {
      Pop3LineDecoder.Event event = queue.poll();
      if (event instanceof Pop3LineDecoder.LineTooLong) {
        conn.context().getLog().info("limit_hit proto=pop3 limit=pop3.max-line-length rip={} sid={}",
            conn.remote().getAddress().getHostAddress(), conn.sid());
        saslPending = false;
        err(Pop3Reply.LINE_TOO_LONG);
      } else if (event instanceof Pop3LineDecoder.Line line) {
        line(line.text());
      }
    }
  }

  private void line(String text) {
    if (saslPending) {
      saslPending = false;
      if (scram != null) {
        scramResponse(text.trim());
      } else {
        saslResponse(text.trim());
      }
      return;
    }
    Pop3Command cmd;
    try {
      cmd = Pop3Command.parse(Pop3CommandLine.parse(text));
    } catch (Pop3ParseException e) {
      err(e.getMessage() + (e.getMessage().endsWith(".") ? "" : "."));
      return;
    }
    if (cmd.phase() == Pop3Command.Phase.TRANSACTION && state != State.TRANSACTION) {
      err(Pop3Reply.NOT_IN_TRANSACTION);
      return;
    }
    if (cmd.phase() == Pop3Command.Phase.AUTHORIZATION && state != State.AUTHORIZATION) {
      err(Pop3Reply.NOT_IN_AUTHORIZATION);
      return;
    }
    try {
      run(cmd);
    } catch (RuntimeException e) {
      conn.context().getLog().error("pop3_command_failed sid={}", conn.sid(), e);
      busy = false;
      err(Pop3Reply.SERVER_BUG);
    }
  }

  // Dispatch over the sealed request type; Java 17 cannot check it for completeness, Pop3CommandTest does.
  private void run(Pop3Command cmd) {
    if (cmd instanceof Pop3Command.Capa) {
      conn.send(Pop3Encoder.multiLine(Pop3Reply.CAPA_FOLLOWS, capabilities()));
    } else if (cmd instanceof Pop3Command.Quit) {
      quit();
    } else if (cmd instanceof Pop3Command.Stls) {
      stls();
    } else if (cmd instanceof Pop3Command.User c) {
      userCommand(c);
    } else if (cmd instanceof Pop3Command.Pass c) {
      pass(c);
    } else if (cmd instanceof Pop3Command.Auth c) {
      auth(c);
    } else if (cmd instanceof Pop3Command.Stat) {
      conn.send(Pop3Encoder.ok(maildrop.visibleCount() + " " + maildrop.visibleOctets()));
    } else if (cmd instanceof Pop3Command.Listing c) {
      listing(c);
    } else if (cmd instanceof Pop3Command.Retrieve c) {
      retrieve(c);
    } else if (cmd instanceof Pop3Command.Dele c) {
      if (checkVisible(c.msg())) {
        maildrop.delete(c.msg());
        conn.send(Pop3Encoder.ok("Marked to be deleted."));
      }
    } else if (cmd instanceof Pop3Command.Noop) {
      conn.send(Pop3Encoder.ok(Pop3Reply.NOOP));
    } else if (cmd instanceof Pop3Command.Rset) {
      maildrop.reset();
      conn.send(Pop3Encoder.ok(""));
    }
  }

  // ---- AUTHORIZATION ----

  /** RFC 2449 §5; USER and SASL only where a plaintext password may be sent, as Dovecot advertises. */
  private List<String> capabilities() {
    List<String> caps = new ArrayList<>(List.of("CAPA", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"));
    if (state == State.AUTHORIZATION) {
      // SCRAM never shows the password, so it is offered with or without TLS.
      if (plaintextAllowed()) {
        caps.add("USER");
        caps.add("SASL PLAIN " + ScramSha256Server.MECHANISM);
      } else {
        caps.add("SASL " + ScramSha256Server.MECHANISM);
      }
      if (!conn.tlsActive()) {
        caps.add("STLS");
      }
    }
    return caps;
  }

  /** Dovecot's rule: plaintext passwords only over TLS or from the same host. */
  private boolean plaintextAllowed() {
    return conn.tlsActive() || conn.remote().getAddress().isLoopbackAddress();
  }

  private void stls() {
    if (conn.tlsActive()) {
      err(Pop3Reply.TLS_ACTIVE);
      return;
    }
    conn.send(Pop3Encoder.ok(Pop3Reply.BEGIN_TLS));
    // RFC 2595 §4 / CVE-2011-0411: commands pipelined after STLS arrived in plaintext; drop them.
    queue.clear();
    decoder = new Pop3LineDecoder(settings.maxLineLength());
    pendingUser = null;
    conn.startTls();
  }

  private void userCommand(Pop3Command.User c) {
    if (!plaintextAllowed()) {
      err(Pop3Reply.PLAINTEXT_DISALLOWED);
      return;
    }
    pendingUser = c.name();
    conn.send(Pop3Encoder.ok(Pop3Reply.USER_OK));
  }

  private void pass(Pop3Command.Pass c) {
    if (pendingUser == null) {
      err(Pop3Reply.NO_USER);
      return;
    }
    String login = pendingUser;
    pendingUser = null;
    verify(login, c.password(), "USER");
  }

  private void auth(Pop3Command.Auth c) {
    if (c.mechanism().isEmpty()) {
      conn.send(Pop3Encoder.multiLine(Pop3Reply.MECHANISMS, plaintextAllowed()
          ? List.of("PLAIN", ScramSha256Server.MECHANISM) : List.of(ScramSha256Server.MECHANISM)));
      return;
    }
    if (c.mechanism().get().equalsIgnoreCase(ScramSha256Server.MECHANISM)) {
      scram = new ScramSha256Server();
      scramLogin = null;
      if (c.initialResponse().isEmpty() || c.initialResponse().get().equals("=")) {
        saslPending = true;
        conn.send(ByteString.fromString("+ \r\n"));
      } else {
        scramResponse(c.initialResponse().get());
      }
      return;
    }
    if (!c.mechanism().get().equalsIgnoreCase("PLAIN")) {
      err(Pop3Reply.AUTH_MECHANISM);
      return;
    }
    if (!plaintextAllowed()) {
      err(Pop3Reply.PLAINTEXT_DISALLOWED);
      return;
    }
    if (c.initialResponse().isEmpty()) {
      saslPending = true;
      conn.send(ByteString.fromString("+ \r\n"));
      return;
    }
    saslResponse(c.initialResponse().get());
  }

  // RFC 4616: authzid NUL authcid NUL passwd. RFC 5034 §4: "*" cancels, "=" is an empty initial response.
  private void saslResponse(String response) {
    if (response.equals("*")) {
      err(Pop3Reply.AUTH_CANCELLED);
      return;
    }
    byte[] decoded;
    try {
      decoded = response.equals("=") ? new byte[0] : Base64.getDecoder().decode(response);
    } catch (IllegalArgumentException e) {
      err(Pop3Reply.AUTH_BASE64);
      return;
    }
    String[] parts = new String(decoded, StandardCharsets.UTF_8).split("\0", -1);
    if (parts.length != 3 || (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1]))) {
      busy = true;
      String login = parts.length == 3 ? parts[1] : "";
      conn.context().pipeToSelf(Authenticator.of(conn.context().getSystem()).malformed(conn, "pop3", "PLAIN", login),
          (o, ex) -> new Authenticated(Authenticator.Outcome.orFailed(o)));
      return;
    }
    verify(parts[1], parts[2], "PLAIN");
  }

  /**
   * One step of SCRAM-SHA-256 (RFC 5802, RFC 7677): client-first, then client-final, then the client's empty answer
   * to our server-final-message, sent as one more challenge (RFC 4422 §5).
   */
  private void scramResponse(String response) {
    if (response.equals("*")) {
      endScram();
      err(Pop3Reply.AUTH_CANCELLED);
      return;
    }
    if (scramSucceeded != null) {
      Authenticator.Outcome o = scramSucceeded;
      endScram();
      onAuthenticated(new Authenticated(o));
      return;
    }
    Optional<String> decoded = SaslResponse.base64(response);
    if (decoded.isEmpty()) {
      endScram();
      err(Pop3Reply.AUTH_BASE64);
      return;
    }
    try {
      if (scramLogin == null) {
        ScramSha256Server.First first = scram.first(decoded.get(), directory::scramCredentials);
        scramLogin = first.login();
        saslPending = true;
        conn.send(ByteString.fromString("+ " + SaslResponse.encode(first.challenge()) + "\r\n"));
        return;
      }
      ScramSha256Server.Final last = scram.last(decoded.get());
      busy = true;
      conn.context().pipeToSelf(Authenticator.of(conn.context().getSystem())
              .verified(conn, "pop3", directory, ScramSha256Server.MECHANISM, scramLogin, last.ok()),
          (o, ex) -> new ScramVerified(Authenticator.Outcome.orFailed(o), last.serverFinal()));
    } catch (ScramSha256Server.ScramException e) {
      endScram();
      err(Pop3Reply.AUTH_SCRAM_SYNTAX);
    }
  }

  private void onScramVerified(ScramVerified m) {
    if (m.outcome().status() == Authenticator.Status.OK) {
      scramSucceeded = m.outcome();
      saslPending = true;
      conn.send(ByteString.fromString("+ " + SaslResponse.encode(m.serverFinal()) + "\r\n"));
      return;
    }
    endScram();
    onAuthenticated(new Authenticated(m.outcome()));
  }

  private void endScram() {
    scram = null;
    scramLogin = null;
    scramSucceeded = null;
  }

  // Password hashing is deliberately slow and the throttle may hold the answer back; the session waits for it.
  private void verify(String login, String password, String mech) {
    busy = true;
    CompletionStage<Authenticator.Outcome> check = Authenticator.of(conn.context().getSystem())
        .authenticate(conn, "pop3", directory, mech, login, password);
    conn.context().pipeToSelf(check, (o, ex) -> new Authenticated(Authenticator.Outcome.orFailed(o)));
  }

  private void onAuthenticated(Authenticated m) {
    Authenticator.Outcome o = m.outcome();
    if (o.status() == Authenticator.Status.BLOCKED) {
      // RFC 3206 §4: SYS/TEMP, try again later; [AUTH] would say the credentials are wrong, which they may not be.
      err(Pop3Reply.AUTH_BLOCKED);
      return;
    }
    if (o.status() == Authenticator.Status.FAILED) {
      authFailed();
      return;
    }
    user = o.user();
    conn.loggedIn(user);
    conn.context().getLog().info("auth_ok proto=pop3 user={} mech={} rip={} tls={} sid={}", LogText.clean(user),
        o.mech(), conn.remote().getAddress().getHostAddress(), conn.tlsActive(), conn.sid());
    busy = true;
    conn.context().pipeToSelf(mailboxes.<MailboxProtocol.Opened>ask(new MailboxAddress(user, INBOX),
        replyTo -> new MailboxProtocol.Open(null, replyTo), askTimeout), Opened::new);
  }

  /** The failure is already counted and logged by the {@link Authenticator}; this session counts its own. */
  private void authFailed() {
    authFailures++;
    if (authFailures >= settings.maxAuthFailures()) {
      err(Pop3Reply.AUTH_TOO_MANY);
      close("auth_failures");
      return;
    }
    err(Pop3Reply.AUTH_FAILED);
  }

  private void onOpened(Opened m) {
    if (m.failure() != null) {
      conn.context().getLog().warn("pop3_maildrop_unavailable user={} reason=\"{}\" sid={}", LogText.clean(user),
          LogText.clean(String.valueOf(m.failure().getMessage())), conn.sid());
      // RFC 1939 §7: a maildrop that cannot be opened ends the session; SYS/TEMP tells the client to retry.
      err(Pop3Reply.MAILDROP_UNAVAILABLE);
      close("maildrop_unavailable");
      return;
    }
    maildrop = new Maildrop(m.opened());
    state = State.TRANSACTION;
    conn.send(Pop3Encoder.ok(Pop3Reply.LOGGED_IN));
  }

  // ---- TRANSACTION ----

  private boolean checkVisible(int msg) {
    if (!maildrop.exists(msg)) {
      err(String.format(Pop3Reply.NO_SUCH_MESSAGE, msg));
      return false;
    }
    if (!maildrop.visible(msg)) {
      err(Pop3Reply.MESSAGE_DELETED);
      return false;
    }
    return true;
  }

  private void listing(Pop3Command.Listing c) {
    if (c.msg().isPresent()) {
      int msg = c.msg().get();
      if (checkVisible(msg)) {
        conn.send(Pop3Encoder.ok(msg + " " + entry(c.uidl(), msg)));
      }
      return;
    }
    List<String> lines = new ArrayList<>();
    for (int msg : maildrop.visibleNumbers()) {
      lines.add(msg + " " + entry(c.uidl(), msg));
    }
    conn.send(Pop3Encoder.multiLine(c.uidl() ? "" : maildrop.visibleCount() + " messages:", lines));
  }

  private String entry(boolean uidl, int msg) {
    return uidl ? maildrop.uidl(msg) : String.valueOf(maildrop.get(msg).size());
  }

  private void retrieve(Pop3Command.Retrieve c) {
    if (!checkVisible(c.msg())) {
      return;
    }
    busy = true;
    MessageMeta meta = maildrop.get(c.msg());
    conn.context().pipeToSelf(delivery.body(user, new BlobId(meta.blobId())), (body, ex) -> new BodyLoaded(c, body, ex));
  }

  private void onBodyLoaded(BodyLoaded m) {
    if (m.failure() != null) {
      conn.context().getLog().warn("pop3_body_unavailable user={} reason=\"{}\" sid={}", LogText.clean(user),
          LogText.clean(String.valueOf(m.failure().getMessage())), conn.sid());
      err(Pop3Reply.BODY_UNAVAILABLE);
      return;
    }
    int msg = m.cmd().msg();
    if (m.cmd().topLines().isPresent()) {
      conn.send(Pop3Encoder.top("", m.body(), m.cmd().topLines().get()));
    } else {
      maildrop.retrieved(msg);
      conn.send(Pop3Encoder.message(maildrop.get(msg).size() + " octets", m.body()));
    }
  }

  // ---- UPDATE ----

  private void quit() {
    if (state != State.TRANSACTION) {
      conn.send(Pop3Encoder.ok(Pop3Reply.LOGOUT));
      close("quit");
      return;
    }
    List<Long> deleted = maildrop.deletedUids();
    List<Long> seen = maildrop.newlySeenUids();
    if (deleted.isEmpty() && seen.isEmpty()) {
      conn.send(Pop3Encoder.ok(Pop3Reply.LOGOUT));
      close("quit");
      return;
    }
    busy = true;
    MailboxAddress inbox = new MailboxAddress(user, INBOX);
    CompletionStage<String> seenDone = seen.isEmpty() ? CompletableFuture.completedFuture(null)
        : mailboxes.<MailboxProtocol.StoreReply>ask(inbox, r -> new MailboxProtocol.StoreFlags(RequestId.random(), seen,
            MailboxProtocol.FlagChange.ADD, List.of("\\Seen"), r), askTimeout).thenApply(Pop3Session::storeError);
    // Dovecot's UPDATE: flag the DELE'd messages \Deleted, then expunge exactly those UIDs (not every \Deleted
    // message an IMAP client may have flagged in the meantime).
    CompletionStage<String> done = seenDone.thenCompose(error -> error != null || deleted.isEmpty()
        ? CompletableFuture.completedFuture(error)
        : mailboxes.<MailboxProtocol.StoreReply>ask(inbox, r -> new MailboxProtocol.StoreFlags(RequestId.random(),
                deleted, MailboxProtocol.FlagChange.ADD, List.of("\\Deleted"), r), askTimeout)
            .thenCompose(stored -> storeError(stored) != null
                ? CompletableFuture.completedFuture(storeError(stored))
                : mailboxes.<MailboxProtocol.ExpungeReply>ask(inbox,
                    r -> new MailboxProtocol.Expunge(RequestId.random(), deleted, r),
                    askTimeout).thenApply(e -> e instanceof MailboxProtocol.Rejected rej ? Rejections.atUpdate(rej.reason()) : null)));
    conn.context().pipeToSelf(done, UpdateDone::new);
  }

  private static String storeError(MailboxProtocol.StoreReply reply) {
    return reply instanceof MailboxProtocol.Rejected rej ? Rejections.atUpdate(rej.reason()) : null;
  }

  private void onUpdateDone(UpdateDone m) {
    if (m.failure() != null || m.errorText() != null) {
      if (m.failure() != null) {
        conn.context().getLog().warn("pop3_update_failed user={} reason=\"{}\" sid={}", LogText.clean(user),
            LogText.clean(String.valueOf(m.failure().getMessage())), conn.sid());
      }
      err(m.errorText() != null ? m.errorText() : Pop3Reply.UPDATE_FAILED);
      close("update_failed");
      return;
    }
    conn.send(Pop3Encoder.ok(maildrop.deletedUids().isEmpty() ? Pop3Reply.LOGOUT : Pop3Reply.LOGOUT_DELETED));
    close("quit");
  }

  // ---- output ----

  private void err(String text) {
    conn.send(Pop3Encoder.err(text));
  }

  private void close(String reason) {
    state = State.CLOSED;
    queue.clear();
    conn.close(reason);
  }
}
