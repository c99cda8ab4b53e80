package org.mailhive.imap.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.mailhive.account.AccountProtocol;
import org.mailhive.account.AccountSharding;
import org.mailhive.account.Folder;
import org.mailhive.blob.BlobId;
import org.mailhive.config.MailhiveSettings.ImapSettings;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.UserDirectory;
import org.mailhive.imap.command.CompressCommand;
import org.mailhive.imap.command.AppendCommand;
import org.mailhive.imap.command.BinarySections;
import org.mailhive.imap.command.CondStore;
import org.mailhive.imap.command.QResync;
import org.mailhive.imap.command.FetchCommand;
import org.mailhive.imap.command.QuotaCommand;
import org.mailhive.imap.command.FetchRenderer;
import org.mailhive.imap.command.ObjectIds;
import org.mailhive.imap.command.SearchCommand;
import org.mailhive.imap.command.SearchReturn;
import org.mailhive.imap.command.SortCommand;
import org.mailhive.imap.command.SortableMessage;
import org.mailhive.imap.command.ThreadCommand;
import org.mailhive.imap.command.StoreCommand;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapFrameDecoder;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.imap.parse.ModifiedUtf7;
import org.mailhive.imap.parse.SequenceSet;
import org.mailhive.imap.response.ImapResponse;
import org.mailhive.imap.response.Rejections;
import org.mailhive.mailbox.Flags;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.MessageMeta;
import org.mailhive.mailbox.RequestId;
import org.mailhive.mailbox.UidFlags;
import org.mailhive.mailbox.UidRanges;
import org.mailhive.mime.MessageSummary;
import org.mailhive.net.Connection;
import org.mailhive.quota.Quota;
import org.mailhive.quota.Quotas;
import org.mailhive.quota.Usage;
import org.mailhive.net.ConnectionActor;
import org.mailhive.net.LogText;
import org.mailhive.net.ProtocolSession;
import org.mailhive.sasl.Authenticator;
import org.mailhive.sasl.SaslResponse;
import org.mailhive.sasl.ScramSha256Server;
import org.mailhive.net.SessionEnd;
import org.mailhive.shard.MailboxAddress;
import org.mailhive.shard.MailboxSharding;

/**
 * One IMAP4rev1 session (RFC 3501), or IMAP4rev2 (RFC 9051) once the client enables it (see {@link Rev2}). Decoded commands wait in a queue and run one at a time: a command that
 * needs storage asks the mailbox entity and the session resumes when the answer arrives, so the tagged OK of a
 * write is sent only after the journal has it. Untagged updates pushed by the mailbox are held in the
 * {@link MailboxView} and reported when RFC 3501 allows.
 */
public final class ImapSession implements ProtocolSession {
  enum State { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT }

  private static final Set<State> ANY = Set.of(State.NOT_AUTHENTICATED, State.AUTHENTICATED, State.SELECTED);
  private static final Set<State> NOT_AUTH = Set.of(State.NOT_AUTHENTICATED);
  private static final Set<State> AUTH = Set.of(State.AUTHENTICATED, State.SELECTED);
  private static final Set<State> SELECTED = Set.of(State.SELECTED);
  private static final String INBOX = "INBOX";
  private static final String DELIMITER = "/";

  @FunctionalInterface
  private interface Handler {
    void run(String tag, ImapArgs args) throws ImapParseException;
  }

  /** One row of the command table: where the command is valid and what runs it. */
  private record Row(Set<State> states, boolean allowsExpungeReports, Handler handler) {}

  private record Authenticated(String tag, Authenticator.Outcome outcome) implements ConnectionActor.Command {}

  /** A SCRAM proof judged; {@code serverFinal} goes to the client before the tagged OK (RFC 5802 §3). */
  private record ScramVerified(String tag, Authenticator.Outcome outcome, String serverFinal)
      implements ConnectionActor.Command {}

  /** A finished future whose continuation runs on the actor's thread; failures become NO [UNAVAILABLE]. */
  private record Resumed(String tag, Runnable step) implements ConnectionActor.Command {}

  private record MailboxOpened(String tag, String name, MailboxAddress address, boolean readOnly, String purpose, List<String> items,
                               MailboxProtocol.Opened opened, Throwable failure) implements ConnectionActor.Command {}

  private record BodiesLoaded(String tag, FetchCommand cmd, List<Integer> seqs, Map<String, ByteString> bodies,
                              Throwable failure) implements ConnectionActor.Command {}

  private record SeenStored(String tag, FetchCommand cmd, List<Integer> seqs, Map<String, ByteString> bodies,
                            MailboxProtocol.StoreReply reply, Throwable failure) implements ConnectionActor.Command {}

  private record FlagsStored(String tag, StoreCommand cmd, MailboxProtocol.StoreReply reply, Throwable failure)
      implements ConnectionActor.Command {}

  private record ExpungeDone(String tag, String command, boolean deselect, MailboxProtocol.ExpungeReply reply,
                             Throwable failure) implements ConnectionActor.Command {}

  private record AppendDone(String tag, MailboxProtocol.AppendAllReply reply, Throwable failure)
      implements ConnectionActor.Command {}

  private record ChangePushed(MailboxProtocol.Change change) implements ConnectionActor.Command {}

  private final Connection conn;
  private final ImapSettings settings;
  private final UserDirectory directory;
  private final MailboxSharding mailboxes;
  private final AccountSharding accounts;
  private final Delivery delivery;
  private final Duration askTimeout;
  private final ImapLimits limits;
  private final Map<String, Row> commands = new HashMap<>();
  private final ArrayDeque<ImapFrameDecoder.Event> queue = new ArrayDeque<>();
  private ImapFrameDecoder decoder;
  private ActorRef<MailboxProtocol.Change> listener;
  private State state = State.NOT_AUTHENTICATED;
  private boolean busy;
  private String user;
  /** The user this session counts against max-connections-per-user-ip, until it is released once. */
  private String countedUser;
  private MailboxView view;
  /**
   * \Recent UIDs this session claimed in the mailbox it left by a new SELECT/EXAMINE: RFC 3501 §2.3.2 makes a
   * message recent in the session that was first notified, so re-selecting the same mailbox still shows it.
   * Selecting another mailbox, CLOSE and UNSELECT give them up, as James does; no other session gets them back.
   */
  private final Map<MailboxAddress, Set<Long>> keptRecent = new HashMap<>();
  private String saslTag;
  // SCRAM-SHA-256 in progress: the exchange, the login of its first message, and a success waiting for the
  // client's empty answer to the server-final-message.
  private ScramSha256Server scram;
  private String scramLogin;
  private Authenticator.Outcome scramSucceeded;
  private int authFailures;
  private String idleTag;
  /** Whether the command being answered is a UID command; unsolicited FETCH lines then carry the UID too. */
  private boolean uidCommand;
  /** RFC 7162 §3.1: CONDSTORE is on for the rest of the connection after the first enabling command. */
  private boolean condStore;
  /** Another session deleted the selected mailbox; the next command (or IDLE, at once) gets BYE. */
  private boolean selectedDeleted;
  /** RFC 6855 §3: after ENABLE UTF8=ACCEPT, mailbox names are UTF-8 both ways (see {@link MailboxNames}). */
  private boolean utf8Accept;
  /** RFC 9051 §6.3.1: after ENABLE IMAP4rev2 the session follows {@link Rev2}, for the rest of the connection. */
  private boolean rev2;
  /** RFC 7162 §3.2.3: QRESYNC, only ever switched on by ENABLE, also for the rest of the connection. */
  private boolean qResync;
  /** The LIST line for the mailbox being opened by SELECT/EXAMINE in an IMAP4rev2 session (RFC 9051 §6.3.2), or null. */
  private String selectList;
  /** The QRESYNC argument of the SELECT/EXAMINE whose mailbox is being opened, or null. */
  private QResync.Resync resyncing;

  public ImapSession(Connection conn, ImapSettings settings, UserDirectory directory, MailboxSharding mailboxes,
                     AccountSharding accounts, Delivery delivery, Duration askTimeout) {
    this.accounts = accounts;
    this.conn = conn;
    this.settings = settings;
    this.directory = directory;
    this.mailboxes = mailboxes;
    this.delivery = delivery;
    this.askTimeout = askTimeout;
    this.limits = new ImapLimits(settings.maxLineLength(), settings.maxLiteralSize(), settings.maxNestingDepth());
    this.decoder = new ImapFrameDecoder(limits);
    row("CAPABILITY", ANY, true, this::capability);
    row("NOOP", ANY, true, this::noop);
    row("CHECK", SELECTED, true, this::noop);
    row("LOGOUT", ANY, true, this::logout);
    row("STARTTLS", NOT_AUTH, true, this::startTls);
    row("LOGIN", NOT_AUTH, true, this::login);
    row("AUTHENTICATE", NOT_AUTH, true, this::authenticate);
    row("LIST", AUTH, true, (tag, args) -> list(tag, ListCommand.parse(args, STATUS_ITEMS)));
    row("LSUB", AUTH, true, (tag, args) -> lsub(tag, args));
    row("SELECT", AUTH, true, (tag, args) -> select(tag, args, false));
    row("EXAMINE", AUTH, true, (tag, args) -> select(tag, args, true));
    row("STATUS", AUTH, true, this::status);
    row("APPEND", AUTH, true, this::append);
    row("FETCH", SELECTED, false, (tag, args) -> fetch(tag, FetchCommand.parse(args, false)));
    row("UID FETCH", SELECTED, true, (tag, args) -> fetch(tag, FetchCommand.parse(args, true)));
    row("STORE", SELECTED, false, (tag, args) -> store(tag, StoreCommand.parse(args, false)));
    row("UID STORE", SELECTED, true, (tag, args) -> store(tag, StoreCommand.parse(args, true)));
    row("EXPUNGE", SELECTED, true, this::expunge);
    row("UID EXPUNGE", SELECTED, true, this::uidExpunge);
    row("CLOSE", SELECTED, true, this::close);
    row("UNSELECT", SELECTED, true, this::unselect);
    row("CREATE", AUTH, true, this::create);
    row("DELETE", AUTH, true, this::delete);
    row("RENAME", AUTH, true, this::rename);
    row("SUBSCRIBE", AUTH, true, (tag, args) -> subscribe(tag, args, true));
    row("UNSUBSCRIBE", AUTH, true, (tag, args) -> subscribe(tag, args, false));
    row("COPY", SELECTED, false, (tag, args) -> copy(tag, args, false, false));
    row("UID COPY", SELECTED, true, (tag, args) -> copy(tag, args, true, false));
    row("MOVE", SELECTED, true, (tag, args) -> copy(tag, args, false, true));
    row("UID MOVE", SELECTED, true, (tag, args) -> copy(tag, args, true, true));
    row("SEARCH", SELECTED, false, (tag, args) -> search(tag, args, false));
    row("UID SEARCH", SELECTED, true, (tag, args) -> search(tag, args, true));
    row("SORT", SELECTED, false, (tag, args) -> sort(tag, SortCommand.parse(args, false)));
    row("UID SORT", SELECTED, true, (tag, args) -> sort(tag, SortCommand.parse(args, true)));
    row("THREAD", SELECTED, false, (tag, args) -> thread(tag, ThreadCommand.parse(args, false)));
    row("UID THREAD", SELECTED, true, (tag, args) -> thread(tag, ThreadCommand.parse(args, true)));
    row("IDLE", AUTH, true, this::idle);
    row("ID", ANY, true, this::id);
    row("ENABLE", AUTH, true, this::enable);
    row("NAMESPACE", AUTH, true, this::namespace);
    row("GETQUOTAROOT", AUTH, true, this::getQuotaRoot);
    row("GETQUOTA", AUTH, true, this::getQuota);
    row("SETQUOTA", AUTH, true, this::setQuota);
    row("COMPRESS", AUTH, true,
        (tag, args) -> CompressCommand.run(tag, args, conn, !queue.isEmpty() || decoder.midCommand()));
  }

  private void row(String name, Set<State> states, boolean allowsExpungeReports, Handler handler) {
    commands.put(name, new Row(states, allowsExpungeReports, handler));
  }

  // ---- ProtocolSession ----

  @Override
  public void onStart() {
    listener = conn.context().messageAdapter(MailboxProtocol.Change.class, ChangePushed::new);
    untagged(String.format(ImapResponse.GREETING, capabilities()));
  }

  @Override
  public void onInput(ByteString bytes) {
    queue.addAll(decoder.feed(bytes));
    drain();
  }

  @Override
  public boolean wantsInput() {
    return !busy && queue.isEmpty() && state != State.LOGOUT;
  }

  @Override
  public void onMessage(ConnectionActor.Command message) {
    if (message instanceof ChangePushed p) {
      if (p.change() instanceof MailboxProtocol.Moved) {
        if (view != null) {
          mailboxes.mailbox(view.address).tell(new MailboxProtocol.Subscribe(listener));
        }
        return;
      }
      if (p.change() instanceof MailboxProtocol.MailboxDeleted d) {
        if (view != null && view.address.entityId().equals(d.entityId())) {
          selectedDeleted = true;
          if (idleTag != null) {
            byeSelectedDeleted();
          }
        }
        return;
      }
      if (view != null) {
        view.onChange(p.change());
        if (idleTag != null) {
          reportAll(); // RFC 2177: while idling, changes go out as they happen
        }
      }
      return;
    }
    busy = false;
    if (message instanceof Resumed m) {
      try {
        m.step().run();
      } catch (RuntimeException e) {
        conn.context().getLog().error("imap_command_failed sid={}", conn.sid(), e);
        no(m.tag(), ImapResponse.SERVERBUG);
      }
    } else if (message instanceof Authenticated m) {
      onAuthenticated(m);
    } else if (message instanceof ScramVerified m) {
      onScramVerified(m);
    } else if (message instanceof MailboxOpened m) {
      onMailboxOpened(m);
    } else if (message instanceof BodiesLoaded m) {
      onBodiesLoaded(m);
    } else if (message instanceof SeenStored m) {
      onSeenStored(m);
    } else if (message instanceof FlagsStored m) {
      onFlagsStored(m);
    } else if (message instanceof ExpungeDone m) {
      onExpungeDone(m);
    } else if (message instanceof AppendDone m) {
      onAppendDone(m);
    }
    drain();
  }

  @Override
  public void onIdleTimeout() {
    untagged(ImapResponse.BYE_AUTOLOGOUT);
    state = State.LOGOUT;
    conn.close("idle_timeout");
  }

  // RFC 3501 §7.1.5: BYE may come at any time, but it must not cut off a command the client has sent (an APPEND
  // literal on its way, a STORE waiting for the entity), so the connection asks this first.
  @Override
  public boolean betweenCommands() {
    return wantsInput() && !decoder.midCommand();
  }

  @Override
  public void onServerEnd(SessionEnd why) {
    untagged(switch (why) {
      case NODE_SHUTDOWN -> ImapResponse.BYE_SHUTDOWN;
      case ADMIN_KICK -> ImapResponse.BYE_KICKED;
    });
    state = State.LOGOUT;
    leaveMailbox();
    releaseUser();
    conn.close(why.logReason());
  }

  @Override
  public void onClosed() {
    leaveMailbox();
    releaseUser();
  }

  private void releaseUser() {
    if (countedUser != null) {
      UserConnections.of(conn.context().getSystem()).release(countedUser, conn.remote().getAddress());
      countedUser = null;
    }
  }

  // ---- command loop ----

  private void drain() {
    while (!busy && state != State.LOGOUT && !queue.isEmpty()) {
      ImapFrameDecoder.Event event = queue.poll();
      if (event instanceof ImapFrameDecoder.Frame f) {
        frame(f.raw());
      } else if (event instanceof ImapFrameDecoder.ContinuationNeeded) {
        conn.send(ImapResponse.line(ImapResponse.CONTINUE));
      } else if (event instanceof ImapFrameDecoder.LineTooLong t) {
        limitHit("imap.max-line-length");
        conn.send(ImapResponse.tagged(t.tag(), "BAD", ImapResponse.LINE_TOO_LONG));
      } else if (event instanceof ImapFrameDecoder.LiteralTooBig t) {
        limitHit("imap.max-literal-size");
        // A refused synchronising literal is never sent, so NO; a non-synchronising one was skipped: BAD.
        conn.send(ImapResponse.tagged(t.tag(), t.synchronizing() ? "NO" : "BAD", ImapResponse.LITERAL_TOO_BIG));
      }
    }
  }

  private void frame(ByteString raw) {
    if (saslTag != null) {
      String tag = saslTag;
      saslTag = null;
      if (scram != null) {
        scramResponse(tag, raw.utf8String().trim());
      } else {
        saslResponse(tag, raw.utf8String().trim());
      }
      return;
    }
    if (idleTag != null) {
      String tag = idleTag;
      idleTag = null;
      if (raw.utf8String().trim().equalsIgnoreCase("DONE")) {
        reportAll();
        ok(tag, "IDLE terminated");
      } else {
        bad(tag, ImapResponse.IDLE_NOT_DONE);
      }
      return;
    }
    if (selectedDeleted) {
      byeSelectedDeleted();
      return;
    }
    ImapArgs args = new ImapArgs(raw, limits);
    String tag = "*";
    try {
      tag = args.tag();
      args.sp();
      String name = args.atom().toUpperCase(Locale.ROOT);
      uidCommand = name.equals("UID");
      if (uidCommand) {
        args.sp();
        name = "UID " + args.atom().toUpperCase(Locale.ROOT);
      }
      Row row = commands.get(name);
      if (row == null) {
        bad(tag, ImapResponse.UNKNOWN_COMMAND);
        return;
      }
      if (!row.states().contains(state)) {
        bad(tag, ImapResponse.WRONG_STATE);
        return;
      }
      if (view != null) {
        args.savedResult(view.savedResult);
      }
      args.utf8Accepted(utf8Names());
      row.handler().run(tag, args);
    } catch (ImapParseException e) {
      bad(tag, "[PARSE] " + LogText.clean(e.getMessage()));
    } catch (RuntimeException e) {
      conn.context().getLog().error("imap_command_failed sid={}", conn.sid(), e);
      conn.send(ImapResponse.tagged(tag, "NO", ImapResponse.SERVERBUG));
    }
  }

  // ---- any state ----

  private String capabilities() {
    StringBuilder caps = new StringBuilder("IMAP4rev1 " + Rev2.CAPABILITY + " LITERAL+ SASL-IR UIDPLUS UNSELECT MOVE IDLE NAMESPACE ID ENABLE"
        + " CHILDREN SPECIAL-USE CREATE-SPECIAL-USE STATUS=SIZE " + QuotaCommand.CAPABILITIES + " " + CondStore.CAPABILITY + " " + QResync.CAPABILITY + " APPENDLIMIT=")
        .append(settings.maxLiteralSize());
    caps.append(' ').append(SearchReturn.CAPABILITIES).append(' ').append(ListCommand.CAPABILITIES);
    caps.append(' ').append(SortCommand.CAPABILITIES).append(' ').append(ThreadCommand.CAPABILITIES);
    caps.append(' ').append(CompressCommand.CAPABILITY).append(' ').append(ObjectIds.CAPABILITY);
    caps.append(' ').append(AppendCommand.CAPABILITIES).append(' ').append(BinarySections.CAPABILITY)
        .append(' ').append(MailboxNames.CAPABILITY);
    if (state == State.NOT_AUTHENTICATED) {
      if (!conn.tlsActive()) {
        caps.append(" STARTTLS");
      }
      // SCRAM never shows the password, so it is offered with or without TLS.
      caps.append(plaintextAllowed() ? " AUTH=PLAIN" : " LOGINDISABLED").append(" AUTH=SCRAM-SHA-256");
    }
    return caps.toString();
  }

  private void capability(String tag, ImapArgs args) throws ImapParseException {
    args.end();
    untagged("CAPABILITY " + capabilities());
    ok(tag, "CAPABILITY completed");
  }

  private void noop(String tag, ImapArgs args) throws ImapParseException {
    args.end();
    if (view != null) {
      mailboxes.mailbox(view.address).tell(new MailboxProtocol.Subscribe(listener));
    }
    reportAll();
    ok(tag, "NOOP completed");
  }

  private void logout(String tag, ImapArgs args) throws ImapParseException {
    args.end();
    untagged(ImapResponse.BYE_LOGOUT);
    state = State.LOGOUT;
    leaveMailbox();
    releaseUser();
    ok(tag, "LOGOUT completed");
    conn.close("logout");
  }

  // ---- not authenticated ----

  private void startTls(String tag, ImapArgs args) throws ImapParseException {
    args.end();
    if (conn.tlsActive()) {
      bad(tag, ImapResponse.TLS_ACTIVE);
      return;
    }
    ok(tag, ImapResponse.BEGIN_TLS);
    // RFC 3501 §6.2.1 / CVE-2011-0411: commands pipelined after STARTTLS arrived in plaintext; drop them.
    queue.clear();
    decoder = new ImapFrameDecoder(limits);
    conn.startTls();
  }

  /** Dovecot's rule: plaintext passwords only over TLS or from the same host. */
  private boolean plaintextAllowed() {
    return conn.tlsActive() || conn.remote().getAddress().isLoopbackAddress();
  }

  private void login(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    String login = args.astring();
    args.sp();
    String password = args.astring();
    args.end();
    if (!plaintextAllowed()) {
      no(tag, ImapResponse.PRIVACY_REQUIRED);
      return;
    }
    verify(tag, login, password, "LOGIN");
  }

  private void authenticate(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    String mech = args.atom().toUpperCase(Locale.ROOT);
    String initial = null;
    if (args.tryConsumeSpace()) {
      initial = args.atom();
    }
    args.end();
    if (mech.equals(ScramSha256Server.MECHANISM)) {
      scram = new ScramSha256Server();
      scramLogin = null;
      if (initial == null) {
        saslTag = tag;
        conn.send(ImapResponse.line("+ "));
      } else {
        scramResponse(tag, initial);
      }
      return;
    }
    if (!mech.equals("PLAIN")) {
      no(tag, "[CANNOT] Unsupported authentication mechanism");
      return;
    }
    if (!plaintextAllowed()) {
      no(tag, ImapResponse.PRIVACY_REQUIRED);
      return;
    }
    if (initial == null) {
      saslTag = tag;
      conn.send(ImapResponse.line("+ "));
      return;
    }
    saslResponse(tag, initial);
  }

  // RFC 4616: authzid NUL authcid NUL passwd; "*" cancels (RFC 3501 §6.2.2), "=" is an empty response (RFC 4959).
  private void saslResponse(String tag, String response) {
    if (response.equals("*")) {
      bad(tag, ImapResponse.AUTH_CANCELLED);
      return;
    }
    byte[] decoded;
    try {
      decoded = response.equals("=") ? new byte[0] : Base64.getDecoder().decode(response);
    } catch (IllegalArgumentException e) {
      bad(tag, "[PARSE] Invalid base64");
      return;
    }
    String[] parts = new String(decoded, StandardCharsets.UTF_8).split("\0", -1);
    if (parts.length != 3 || (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1]))) {
      busy = true;
      String login = parts.length == 3 ? parts[1] : "";
      conn.context().pipeToSelf(Authenticator.of(conn.context().getSystem()).malformed(conn, "imap", "PLAIN", login),
          (o, ex) -> new Authenticated(tag, Authenticator.Outcome.orFailed(o)));
      return;
    }
    verify(tag, parts[1], parts[2], "PLAIN");
  }

  /**
   * One step of SCRAM-SHA-256 (RFC 5802, RFC 7677): client-first, then client-final, then the client's empty answer
   * to our server-final-message (RFC 4422 §5: IMAP has no room for success data in the tagged OK).
   */
  private void scramResponse(String tag, String response) {
    if (response.equals("*")) {
      endScram();
      bad(tag, ImapResponse.AUTH_CANCELLED);
      return;
    }
    if (scramSucceeded != null) {
      Authenticator.Outcome o = scramSucceeded;
      endScram();
      onAuthenticated(new Authenticated(tag, o));
      return;
    }
    Optional<String> decoded = SaslResponse.base64(response);
    if (decoded.isEmpty()) {
      endScram();
      bad(tag, "[PARSE] Invalid base64");
      return;
    }
    try {
      if (scramLogin == null) {
        ScramSha256Server.First first = scram.first(decoded.get(), directory::scramCredentials);
        scramLogin = first.login();
        saslTag = tag;
        conn.send(ImapResponse.line("+ " + SaslResponse.encode(first.challenge())));
        return;
      }
      ScramSha256Server.Final last = scram.last(decoded.get());
      busy = true;
      conn.context().pipeToSelf(Authenticator.of(conn.context().getSystem())
              .verified(conn, "imap", directory, ScramSha256Server.MECHANISM, scramLogin, last.ok()),
          (o, ex) -> new ScramVerified(tag, Authenticator.Outcome.orFailed(o), last.serverFinal()));
    } catch (ScramSha256Server.ScramException e) {
      endScram();
      bad(tag, ImapResponse.SCRAM_SYNTAX);
    }
  }

  private void onScramVerified(ScramVerified m) {
    if (m.outcome().status() == Authenticator.Status.OK) {
      scramSucceeded = m.outcome();
      saslTag = m.tag();
      decoder.emptyLineIsFrame(true);
      conn.send(ImapResponse.line("+ " + SaslResponse.encode(m.serverFinal())));
      return;
    }
    endScram();
    onAuthenticated(new Authenticated(m.tag(), m.outcome()));
  }

  private void endScram() {
    decoder.emptyLineIsFrame(false);
    scram = null;
    scramLogin = null;
    scramSucceeded = null;
  }

  // Password hashing is deliberately slow and the throttle may hold the answer back; the session waits for it.
  private void verify(String tag, String login, String password, String mech) {
    busy = true;
    CompletionStage<Authenticator.Outcome> check = Authenticator.of(conn.context().getSystem())
        .authenticate(conn, "imap", directory, mech, login, password);
    conn.context().pipeToSelf(check, (o, ex) -> new Authenticated(tag, Authenticator.Outcome.orFailed(o)));
  }

  private void onAuthenticated(Authenticated m) {
    Authenticator.Outcome o = m.outcome();
    if (o.status() == Authenticator.Status.BLOCKED) {
      // RFC 5530 §3: UNAVAILABLE is a temporary refusal, try again later; AUTHENTICATIONFAILED would tell the
      // user the password is wrong, which it may not be.
      no(m.tag(), ImapResponse.AUTH_BLOCKED);
      return;
    }
    if (o.status() == Authenticator.Status.FAILED) {
      authFailed(m.tag());
      return;
    }
    String loggedIn = o.user();
    // Dovecot closes with "* BYE" here; we answer NO [LIMIT] (RFC 5530) and keep the session, so the client can say
    // why to its user and try again once another of its connections has gone.
    if (!UserConnections.of(conn.context().getSystem()).tryAcquire(loggedIn, conn.remote().getAddress(),
        settings.maxConnectionsPerUserIp())) {
      limitHit("imap.max-connections-per-user-ip");
      no(m.tag(), ImapResponse.TOO_MANY_USER_CONNECTIONS);
      return;
    }
    user = loggedIn;
    countedUser = user;
    conn.loggedIn(user);
    state = State.AUTHENTICATED;
    conn.context().getLog().info("auth_ok proto=imap user={} mech={} rip={} tls={} sid={}", LogText.clean(user),
        o.mech(), conn.remote().getAddress().getHostAddress(), conn.tlsActive(), conn.sid());
    ok(m.tag(), "[CAPABILITY " + capabilities() + "] Logged in");
  }

  /** The failure is already counted and logged by the {@link Authenticator}; this session counts its own. */
  private void authFailed(String tag) {
    authFailures++;
    no(tag, ImapResponse.AUTH_FAILED);
    if (authFailures >= settings.maxAuthFailures()) {
      untagged(ImapResponse.BYE_AUTH_FAILURES);
      state = State.LOGOUT;
      conn.close("auth_failures");
    }
  }

  // ---- authenticated ----

  // ---- folders (RFC 3501 §6.3, RFC 6154) ----

  private CompletionStage<AccountProtocol.Reply> askAccount(
      Function<ActorRef<AccountProtocol.Reply>, AccountProtocol.Command> message) {
    return accounts.ask(user, message::apply, askTimeout);
  }

  /** Runs {@code then} once the future completes, on the actor's thread; the session waits meanwhile. */
  private <T> void await(String tag, CompletionStage<T> stage, Consumer<T> then) {
    busy = true;
    conn.context().pipeToSelf(stage, (v, ex) -> new Resumed(tag, () -> {
      if (ex != null) {
        storageFailed(tag, ex);
      } else {
        then.accept(v);
      }
    }));
  }

  private void withFolders(String tag, Consumer<AccountProtocol.Folders> then) {
    await(tag, askAccount(AccountProtocol.GetFolders::new), r -> then.accept((AccountProtocol.Folders) r));
  }

  /** Resolves a folder name to its mailbox, or answers NO with {@code missing} (NONEXISTENT or TRYCREATE). */
  private void withFolder(String tag, String name, String missing, Consumer<MailboxAddress> then) {
    withFolders(tag, f -> {
      Folder folder = f.folder(name);
      if (folder == null || folder.noselect()) {
        no(tag, missing);
        return;
      }
      then.accept(new MailboxAddress(user, folder.mailboxId()));
    });
  }

  private void changeAccount(String tag, Function<ActorRef<AccountProtocol.Reply>, AccountProtocol.Command> message,
                             Consumer<AccountProtocol.Folders> then) {
    await(tag, askAccount(message), r -> {
      if (r instanceof AccountProtocol.Rejected rej) {
        no(tag, Rejections.responseCode(rej.reason()) + " " + LogText.clean(rej.detail()));
      } else {
        then.accept((AccountProtocol.Folders) r);
      }
    });
  }

  /**
   * RFC 3501 §5.1: names are modified UTF-7 (§5.1.3), "/" separates levels; empty levels, wildcards and
   * over-long names are refused so that every folder can be listed and addressed again.
   */
  private static boolean validName(String name) {
    return !name.isEmpty() && name.length() <= MAX_MAILBOX_NAME && !name.startsWith(DELIMITER)
        && !name.contains(DELIMITER + DELIMITER) && name.indexOf('*') < 0 && name.indexOf('%') < 0
        && ModifiedUtf7.isValid(name);
  }

  /** Longest mailbox name in bytes; Dovecot refuses longer ones too, and some clients store names in 255-byte fields. */
  private static final int MAX_MAILBOX_NAME = 255;

  private void create(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    String name = args.mailbox();
    String use = "";
    if (args.tryConsumeSpace()) {
      // RFC 6154 §5.2 CREATE-SPECIAL-USE: CREATE name (USE (\Sent))
      args.openParen();
      if (!args.atom().equalsIgnoreCase("USE")) {
        throw new ImapParseException("expected USE");
      }
      args.sp();
      args.openParen();
      use = args.flag();
      if (!SPECIAL_USE.contains(use)) {
        args.tryCloseParen();
        args.tryCloseParen();
        args.end();
        no(tag, ImapResponse.USE_ATTR);
        return;
      }
      if (!args.tryCloseParen() || !args.tryCloseParen()) {
        throw new ImapParseException("one special-use attribute expected");
      }
    }
    args.end();
    // RFC 3501 §6.3.3: a trailing delimiter says the client means to create inferiors; the name is without it.
    String folder = name.endsWith(DELIMITER) ? name.substring(0, name.length() - 1) : name;
    if (!validName(folder)) {
      no(tag, ImapResponse.INVALID_NAME);
      return;
    }
    String attr = use;
    // RFC 8474 §4.1: the new mailbox's MAILBOXID in the OK.
    RequestId id = RequestId.random();
    changeAccount(tag, r -> new AccountProtocol.CreateFolder(folder, attr, id, r), f -> ok(tag,
        ObjectIds.mailboxIdCode(new MailboxAddress(user, f.folder(folder).mailboxId())) + " CREATE completed"));
  }

  private static final Set<String> SPECIAL_USE =
      Set.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash");

  private void delete(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    String name = args.mailbox();
    args.end();
    // TODO(#4): the deleted folder's mailbox keeps its messages in the journal; nothing names it any more.
    withFolders(tag, before -> {
      Folder gone = before.folder(name);
      RequestId id = RequestId.random();
      changeAccount(tag, r -> new AccountProtocol.DeleteFolder(name, id, r), f -> {
        // Sessions that have the mailbox selected hear of it and end (RFC 2180 §3.3, as Dovecot does), unless it is
        // still named (a RENAME got in between). This session just closes it, as Dovecot does.
        if (gone != null && !gone.mailboxId().isEmpty()
            && f.folders().stream().noneMatch(x -> x.mailboxId().equals(gone.mailboxId()))) {
          MailboxAddress address = new MailboxAddress(user, gone.mailboxId());
          if (view != null && view.address.equals(address)) {
            leaveMailbox();
            state = State.AUTHENTICATED;
          }
          mailboxes.mailbox(address).tell(new MailboxProtocol.AnnounceDeletion(name));
        }
        ok(tag, "DELETE completed");
      });
    });
  }

  /** Another session deleted the selected mailbox: RFC 2180 §3.3 lets the server end the session, as Dovecot does. */
  private void byeSelectedDeleted() {
    untagged(ImapResponse.BYE_SELECTED_DELETED);
    state = State.LOGOUT;
    leaveMailbox();
    releaseUser();
    conn.close("mailbox_deleted");
  }

  private void rename(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    String from = args.mailbox();
    args.sp();
    String to = args.mailbox();
    args.end();
    if (!validName(to)) {
      no(tag, ImapResponse.INVALID_NAME);
      return;
    }
    RequestId id = RequestId.random();
    changeAccount(tag, r -> new AccountProtocol.RenameFolder(from, to, id, r), f -> {
      if (!from.equals(INBOX)) {
        ok(tag, "RENAME completed");
        return;
      }
      // RFC 3501 §6.3.5: renaming INBOX moves its messages to the new name and leaves INBOX empty. Simplified:
      // copy then expunge, not atomic; a failure in between leaves the messages in both.
      MailboxAddress inbox = new MailboxAddress(user, INBOX);
      MailboxAddress target = new MailboxAddress(user, f.folder(to).mailboxId());
      await(tag, mailboxes.<MailboxProtocol.Opened>ask(inbox, r -> new MailboxProtocol.Open(null, r), askTimeout),
          opened ->
          await(tag, appendCopies(opened.messages(), target), replies -> {
            List<Long> uids = opened.messages().stream().map(MessageMeta::uid).toList();
            moveOut(tag, inbox, uids, () -> ok(tag, "RENAME completed"));
          }));
    });
  }

  private void subscribe(String tag, ImapArgs args, boolean on) throws ImapParseException {
    args.sp();
    String name = args.mailbox();
    args.end();
    String command = on ? "SUBSCRIBE" : "UNSUBSCRIBE";
    changeAccount(tag, r -> on ? new AccountProtocol.Subscribe(name, r) : new AccountProtocol.Unsubscribe(name, r),
        f -> ok(tag, command + " completed"));
  }

  /** LSUB (RFC 3501 §6.3.9): the subscriptions matching the pattern ({@link LsubLines}). */
  private void lsub(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    String reference = args.astring();
    args.sp();
    String full = reference + ListCommand.pattern(args);
    args.end();
    withFolders(tag, f -> {
      LsubLines.of(full, f, DELIMITER).forEach((name, attrs) ->
          untagged("LSUB (" + attrs + ") \"" + DELIMITER + "\" " + MailboxNames.quoted(name, utf8Names())));
      reportSafe();
      ok(tag, "LSUB completed");
    });
  }

  /** LIST, extended by RFC 5258, RFC 5819 and RFC 6154 (see {@link ListCommand}). */
  private void list(String tag, ListCommand cmd) {
    if (cmd.asksForDelimiter()) {
      untagged("LIST (\\Noselect) \"" + DELIMITER + "\" \"\""); // RFC 3501 §6.3.8: the hierarchy delimiter
      ok(tag, "LIST completed");
      return;
    }
    withFolders(tag, f -> {
      List<ListCommand.Line> lines = cmd.lines(f);
      // RFC 5819 §2: each STATUS right after its LIST line; the mailboxes are asked all at once.
      Map<String, CompletableFuture<MailboxProtocol.Opened>> opened = new HashMap<>();
      for (ListCommand.Line line : lines) {
        if (line.status() != null) {
          opened.put(line.status().name(), mailboxes.<MailboxProtocol.Opened>ask(
              new MailboxAddress(user, line.status().mailboxId()), r -> new MailboxProtocol.Open(null, r), askTimeout)
              .toCompletableFuture());
        }
      }
      await(tag, CompletableFuture.allOf(opened.values().toArray(CompletableFuture[]::new)), done -> {
        for (ListCommand.Line line : lines) {
          untagged(line.text());
          if (line.status() != null) {
            String name = line.status().name();
            untagged("STATUS " + MailboxNames.quoted(name, utf8Names()) + " ("
                + statusValues(cmd.statusItems(), opened.get(name).join(),
                new MailboxAddress(user, line.status().mailboxId())) + ")");
          }
        }
        reportSafe();
        ok(tag, "LIST completed");
      });
    });
  }

  private void select(String tag, ImapArgs args, boolean readOnly) throws ImapParseException {
    args.sp();
    String name = args.mailbox();
    QResync.SelectParams params = new QResync.SelectParams(false, null);
    if (args.tryConsumeSpace()) {
      params = QResync.selectParams(args);
    }
    args.end();
    if (params.resync() != null && !qResync) {
      bad(tag, QResync.NOT_ENABLED); // RFC 7162 §3.2.5: the mailbox stays as it was
      return;
    }
    keptRecent.clear();
    if (view != null) {
      keptRecent.put(view.address, view.ownedRecent());
      if (qResync || rev2) { // RFC 7162 §3.2.11, RFC 9051 §6.3.2
        reportSafe(); // what belongs to the old mailbox goes out before the boundary
        untagged(QResync.CLOSED);
      }
    }
    leaveMailbox();
    state = State.AUTHENTICATED;
    condStore |= params.condStore(); // RFC 7162 §3.1.8: SELECT/EXAMINE (CONDSTORE) enables it
    resyncing = params.resync();
    withFolders(tag, f -> {
      Folder folder = f.folder(name);
      if (folder == null || folder.noselect()) {
        no(tag, ImapResponse.NONEXISTENT);
        return;
      }
      selectList = rev2 ? Rev2.selectList(f, name, utf8Names()) : null;
      openMailbox(tag, name, new MailboxAddress(user, folder.mailboxId()), readOnly, readOnly ? "EXAMINE" : "SELECT",
          List.of(), listener);
    });
  }

  private void status(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    String name = args.mailbox();
    args.sp();
    args.openParen();
    List<String> items = new ArrayList<>();
    while (!args.tryCloseParen()) {
      if (!items.isEmpty()) {
        args.sp();
      }
      String item = args.atom().toUpperCase(Locale.ROOT);
      if (!STATUS_ITEMS.contains(item)) {
        throw new ImapParseException("unknown STATUS item " + item);
      }
      items.add(item);
    }
    args.end();
    if (items.contains("HIGHESTMODSEQ")) {
      enableCondStore(); // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command
    }
    withFolder(tag, name, ImapResponse.NONEXISTENT, address -> openMailbox(tag, name, address, true, "STATUS", items, null));
  }

  /** RFC 3501 §6.3.10, RFC 8438 SIZE, RFC 9208 §4.2 DELETED and DELETED-STORAGE: all from the snapshot STATUS reads. */
  private static final Set<String> STATUS_ITEMS =
      Set.of("MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "SIZE", "DELETED", "DELETED-STORAGE",
          "HIGHESTMODSEQ", "MAILBOXID");

  /** The values of STATUS items, "MESSAGES 2 UNSEEN 1", for STATUS and LIST-STATUS (RFC 5819) alike. */
  private static String statusValues(List<String> items, MailboxProtocol.Opened o, MailboxAddress address) {
    List<String> out = new ArrayList<>();
    for (String item : items) {
      if (item.equals("MAILBOXID")) {
        out.add("MAILBOXID (" + ObjectIds.mailboxId(address) + ")"); // RFC 8474 §4.3
        continue;
      }
      long value = switch (item) {
        case "MESSAGES" -> o.messages().size();
        case "RECENT" -> o.recentCount();
        case "UIDNEXT" -> o.uidNext();
        case "UIDVALIDITY" -> o.uidValidity();
        case "HIGHESTMODSEQ" -> o.highestModSeq(); // RFC 7162 §3.1.6
        case "SIZE" -> o.messages().stream().mapToLong(MessageMeta::size).sum();
        case "DELETED" -> o.messages().stream().filter(x -> x.hasFlag("\\Deleted")).count();
        // RFC 9208 §4.2: in units of 1024 octets, like the STORAGE resource.
        case "DELETED-STORAGE" -> new Usage(o.messages().stream().filter(x -> x.hasFlag("\\Deleted"))
            .mapToLong(MessageMeta::size).sum(), 0).storageKib();
        default -> o.messages().stream().filter(x -> !x.hasFlag("\\Seen")).count();
      };
      out.add(item + " " + value);
    }
    return String.join(" ", out);
  }

  private void openMailbox(String tag, String name, MailboxAddress address, boolean readOnly, String purpose,
                           List<String> items, ActorRef<MailboxProtocol.Change> subscriber) {
    busy = true;
    conn.context().pipeToSelf(mailboxes.<MailboxProtocol.Opened>ask(address,
        // RFC 3501 §2.3.2: SELECT takes \Recent; EXAMINE and STATUS change no per-user state (§6.3.2).
        replyTo -> new MailboxProtocol.Open(subscriber, purpose.equals("SELECT"),
            resyncing == null || subscriber == null ? MailboxProtocol.NO_VANISHED : resyncing.modSeq(), replyTo),
        askTimeout),
        (opened, ex) -> new MailboxOpened(tag, name, address, readOnly, purpose, items, opened, ex));
  }

  private void onMailboxOpened(MailboxOpened m) {
    if (m.failure() != null) {
      resyncing = null;
      selectList = null;
      storageFailed(m.tag(), m.failure());
      return;
    }
    MailboxProtocol.Opened o = m.opened();
    if (m.purpose().equals("STATUS")) {
      untagged("STATUS " + MailboxNames.quoted(m.name(), utf8Names()) + " (" + statusValues(m.items(), o, m.address()) + ")");
      reportSafe();
      ok(m.tag(), "STATUS completed");
      return;
    }
    Set<Long> kept = keptRecent.remove(m.address());
    view = new MailboxView(m.address(), m.readOnly(), o, kept == null ? Set.of() : kept);
    view.imap4rev2 = rev2;
    state = State.SELECTED;
    untagged(view.keywords.flagsResponse());
    untagged(view.keywords.permanentFlagsResponse(m.readOnly()));
    untagged(view.exists() + " EXISTS");
    if (!rev2) {
      untagged(view.recentCount() + " RECENT");
    } else if (selectList != null) {
      untagged(selectList);
    }
    selectList = null;
    List<MessageMeta> all = view.all();
    for (int i = 0; i < all.size() && !view.imap4rev2; i++) { // RFC 9051 §6.3.2 lists no UNSEEN
      if (!all.get(i).hasFlag("\\Seen")) {
        untagged("OK [UNSEEN " + (i + 1) + "] First unseen");
        break;
      }
    }
    untagged("OK [UIDVALIDITY " + o.uidValidity() + "] UIDs valid");
    untagged("OK [UIDNEXT " + o.uidNext() + "] Predicted next UID");
    untagged("OK " + ObjectIds.mailboxIdCode(m.address()) + " Ok"); // RFC 8474 §4.2
    view.withModSeq = condStore;
    view.withVanished = qResync;
    if (condStore) {
      untagged(CondStore.highestModSeq(o.highestModSeq()));
    }
    if (resyncing != null) {
      MailboxView opened = view;
      QResync.answer(resyncing, o, meta -> FetchRenderer.flags(meta, opened.isRecent(meta.uid())), this::untagged);
      resyncing = null;
    }
    ok(m.tag(), (m.readOnly() ? "[READ-ONLY] " : "[READ-WRITE] ") + m.purpose() + " completed");
  }

  /** APPEND and MULTIAPPEND (see {@link AppendCommand}); the OK goes out once the journal has every message. */
  private void append(String tag, ImapArgs args) throws ImapParseException {
    AppendCommand cmd = AppendCommand.parse(args);
    withFolder(tag, cmd.mailbox(), ImapResponse.TRYCREATE, address -> {
      busy = true;
      conn.context().pipeToSelf(cmd.run(delivery, address), (reply, ex) -> new AppendDone(tag, reply, ex));
    });
  }

  private void onAppendDone(AppendDone m) {
    if (m.failure() != null) {
      storageFailed(m.tag(), m.failure());
      return;
    }
    if (m.reply() instanceof MailboxProtocol.AppendedAll a) {
      reportSafe();
      ok(m.tag(), AppendCommand.appendUid(a) + " APPEND completed");
    } else {
      rejected(m.tag(), (MailboxProtocol.Rejected) m.reply());
    }
  }

  // ---- selected ----

  private List<Integer> resolve(String tag, SequenceSet set, boolean byUid) {
    List<Integer> seqs = byUid ? view.resolveUids(set) : view.resolveSeqs(set);
    if (seqs == null) {
      bad(tag, ImapResponse.BAD_SEQUENCE);
    }
    return seqs;
  }

  private void fetch(String tag, FetchCommand cmd) {
    List<Integer> resolved = resolve(tag, cmd.set(), cmd.byUid());
    if (resolved == null) {
      return;
    }
    if (cmd.vanished() && !qResync) {
      bad(tag, QResync.NOT_ENABLED); // RFC 7162 §3.2.6
      return;
    }
    if (cmd.usesModSeq()) {
      enableCondStore();
    }
    if (cmd.vanished()) {
      vanishedThenFetch(tag, cmd, resolved);
      return;
    }
    fetchResolved(tag, cmd, resolved);
  }

  /**
   * RFC 7162 §3.2.6: UID FETCH (CHANGEDSINCE n VANISHED) first names, as VANISHED (EARLIER), the UIDs of the set
   * expunged since n. UIDs still in this session's view are left out: their expunge has not been told here yet and
   * will go out as a plain VANISHED, which is the one that changes the client's message count.
   */
  private void vanishedThenFetch(String tag, FetchCommand cmd, List<Integer> resolved) {
    MailboxView asked = view;
    long largest = asked.uidNext() - 1;
    await(tag, mailboxes.<MailboxProtocol.Vanished>ask(asked.address,
        r -> new MailboxProtocol.GetVanished(cmd.changedSince(), r), askTimeout), v -> {
          UidRanges earlier = v.uids().intersect(QResync.ranges(cmd.set(), largest)).filter(uid -> !asked.knows(uid));
          if (!earlier.none()) {
            untagged(QResync.vanishedEarlier(earlier));
          }
          fetchResolved(tag, cmd, resolved);
        });
  }

  private void fetchResolved(String tag, FetchCommand cmd, List<Integer> resolved) {
    // RFC 7162 §3.1.4.1: CHANGEDSINCE keeps only the messages whose mod-sequence is above the value.
    List<Integer> seqs = cmd.changedSince() < 0 ? resolved
        : resolved.stream().filter(s -> view.bySeq(s).modSeq() > cmd.changedSince()).toList();
    if (!cmd.needsBody()) {
      renderFetch(tag, cmd, seqs, Map.of(), Set.of());
      return;
    }
    busy = true;
    conn.context().pipeToSelf(loadBodies(seqs), (bodies, ex) -> new BodiesLoaded(tag, cmd, seqs, bodies, ex));
  }

  private CompletableFuture<Map<String, ByteString>> loadBodies(List<Integer> seqs) {
    Map<String, CompletableFuture<ByteString>> loads = new HashMap<>();
    for (int seq : seqs) {
      String blob = view.bySeq(seq).blobId();
      loads.computeIfAbsent(blob, b -> delivery.body(user, new BlobId(b)).toCompletableFuture());
    }
    return CompletableFuture.allOf(loads.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
      Map<String, ByteString> bodies = new HashMap<>();
      loads.forEach((k, f) -> bodies.put(k, f.join()));
      return bodies;
    });
  }

  private void onBodiesLoaded(BodiesLoaded m) {
    if (m.failure() != null) {
      storageFailed(m.tag(), m.failure());
      return;
    }
    String undecodable = BinarySections.check(m.cmd(),
        m.seqs().stream().map(s -> m.bodies().get(view.bySeq(s).blobId())).toList());
    if (undecodable != null) {
      no(m.tag(), undecodable); // RFC 3516 §4.3: before \Seen is set or any FETCH line sent
      return;
    }
    // RFC 3501 §6.4.5: BODY[...] (not PEEK) sets \Seen; that is a write, so it must be durable before we answer.
    List<Long> unseen = new ArrayList<>();
    if (m.cmd().setsSeen() && !view.readOnly) {
      for (int seq : m.seqs()) {
        if (!view.bySeq(seq).hasFlag("\\Seen")) {
          unseen.add(view.bySeq(seq).uid());
        }
      }
    }
    if (unseen.isEmpty()) {
      renderFetch(m.tag(), m.cmd(), m.seqs(), m.bodies(), Set.of());
      return;
    }
    busy = true;
    conn.context().pipeToSelf(mailboxes.<MailboxProtocol.StoreReply>ask(view.address,
        replyTo -> new MailboxProtocol.StoreFlags(RequestId.random(), unseen, MailboxProtocol.FlagChange.ADD,
            List.of("\\Seen"), replyTo), askTimeout),
        (r, ex) -> new SeenStored(m.tag(), m.cmd(), m.seqs(), m.bodies(), r, ex));
  }

  private void onSeenStored(SeenStored m) {
    if (m.failure() != null) {
      storageFailed(m.tag(), m.failure());
      return;
    }
    Set<Long> changed = new HashSet<>();
    if (m.reply() instanceof MailboxProtocol.FlagsStored fs) {
      for (UidFlags u : fs.changed()) {
        view.applyOwnFlags(u);
        changed.add(u.uid());
      }
    }
    renderFetch(m.tag(), m.cmd(), m.seqs(), m.bodies(), changed);
  }

  /** RFC 3501 §6.4.5: FLAGS go with a FETCH that set \Seen only for the messages whose flags it changed. */
  private void renderFetch(String tag, FetchCommand cmd, List<Integer> seqs, Map<String, ByteString> bodies,
                           Set<Long> seenSet) {
    ByteStringBuilder out = new ByteStringBuilder();
    for (int seq : seqs) {
      MessageMeta meta = view.bySeq(seq);
      out.append(FetchRenderer.render(seq, meta, view.isRecent(meta.uid()), cmd, bodies.get(meta.blobId()),
          seenSet.contains(meta.uid())));
    }
    conn.send(out.result());
    finishSelected(tag, cmd.byUid(), (cmd.byUid() ? "UID " : "") + "FETCH completed");
  }

  private void store(String tag, StoreCommand cmd) {
    List<Integer> seqs = resolve(tag, cmd.set(), cmd.byUid());
    if (seqs == null) {
      return;
    }
    if (view.readOnly) {
      no(tag, ImapResponse.READ_ONLY);
      return;
    }
    if (cmd.unchangedSince() >= 0) {
      enableCondStore();
    }
    List<Long> uids = seqs.stream().map(s -> view.bySeq(s).uid()).toList();
    busy = true;
    conn.context().pipeToSelf(mailboxes.<MailboxProtocol.StoreReply>ask(view.address,
        replyTo -> new MailboxProtocol.StoreFlags(RequestId.random(), uids, cmd.change(), cmd.flags(),
            cmd.unchangedSince(), replyTo), askTimeout),
        (r, ex) -> new FlagsStored(tag, cmd, r, ex));
  }

  private void onFlagsStored(FlagsStored m) {
    if (m.failure() != null) {
      storageFailed(m.tag(), m.failure());
      return;
    }
    if (!(m.reply() instanceof MailboxProtocol.FlagsStored fs)) {
      rejected(m.tag(), (MailboxProtocol.Rejected) m.reply());
      return;
    }
    Set<Long> changed = new HashSet<>();
    for (UidFlags u : fs.changed()) {
      view.applyOwnFlags(u);
      changed.add(u.uid());
    }
    Set<Long> modified = Set.copyOf(fs.modified());
    // RFC 3501 §6.4.6: "Normally, STORE will return the updated value" -- for every message named, also those
    // whose flags were already as asked (Dovecot does the same), so the client learns each one's flags.
    // RFC 7162 §3.1.3: not for messages that failed UNCHANGEDSINCE; and with CONDSTORE, .SILENT still reports
    // the new MODSEQ of each message it changed.
    List<Integer> named = m.cmd().byUid() ? view.resolveUids(m.cmd().set()) : view.resolveSeqs(m.cmd().set());
    if (named != null) {
      for (int seq : named) {
        MessageMeta meta = view.bySeq(seq);
        boolean flags = !m.cmd().silent();
        boolean modSeq = condStore && (flags || changed.contains(meta.uid()));
        if (modified.contains(meta.uid()) || (!flags && !modSeq)) {
          continue;
        }
        untagged(seq + " FETCH (" + (m.cmd().byUid() ? "UID " + meta.uid() + " " : "")
            + (flags ? "FLAGS " + FetchRenderer.flags(meta, view.isRecent(meta.uid())) : "")
            + (flags && modSeq ? " " : "") + (modSeq ? CondStore.fetchItem(meta.modSeq()) : "") + ")");
      }
    }
    String done = (m.cmd().byUid() ? "UID " : "") + "STORE completed";
    if (!modified.isEmpty()) {
      done = CondStore.modified(modified.stream().map(uid -> m.cmd().byUid() ? uid : (long) view.seqOf(uid)).toList());
    }
    finishSelected(m.tag(), m.cmd().byUid(), done);
  }

  private void expunge(String tag, ImapArgs args) throws ImapParseException {
    args.end();
    startExpunge(tag, "EXPUNGE", null, false);
  }

  private void uidExpunge(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    SequenceSet set = args.sequenceSet();
    args.end();
    List<Long> uids = view.resolveUids(set).stream().map(s -> view.bySeq(s).uid()).toList();
    startExpunge(tag, "UID EXPUNGE", uids, false);
  }

  private void close(String tag, ImapArgs args) throws ImapParseException {
    args.end();
    if (view.readOnly) {
      leaveMailbox();
      state = State.AUTHENTICATED;
      ok(tag, "CLOSE completed");
      return;
    }
    startExpunge(tag, "CLOSE", null, true);
  }

  private void unselect(String tag, ImapArgs args) throws ImapParseException {
    args.end();
    leaveMailbox();
    state = State.AUTHENTICATED;
    ok(tag, "UNSELECT completed");
  }

  private void startExpunge(String tag, String command, List<Long> uids, boolean deselect) {
    if (view.readOnly) {
      no(tag, ImapResponse.READ_ONLY);
      return;
    }
    busy = true;
    conn.context().pipeToSelf(mailboxes.<MailboxProtocol.ExpungeReply>ask(view.address,
        replyTo -> new MailboxProtocol.Expunge(RequestId.random(), uids, replyTo), askTimeout),
        (r, ex) -> new ExpungeDone(tag, command, deselect, r, ex));
  }

  private void onExpungeDone(ExpungeDone m) {
    if (m.failure() != null) {
      storageFailed(m.tag(), m.failure());
      return;
    }
    if (!(m.reply() instanceof MailboxProtocol.Expunged e)) {
      rejected(m.tag(), (MailboxProtocol.Rejected) m.reply());
      return;
    }
    if (m.deselect()) {
      // RFC 3501 §6.4.2: CLOSE sends no untagged EXPUNGE responses.
      leaveMailbox();
      state = State.AUTHENTICATED;
    } else {
      view.removeOwn(e.uids(), e.highestModSeq());
      reportAll();
    }
    // RFC 7162 §3.2.7, §3.2.8: with QRESYNC the tagged OK tells the mod-sequence the expunge reached.
    ok(m.tag(), qResync ? QResync.withHighestModSeq(e.highestModSeq(), m.command() + " completed")
        : m.command() + " completed");
  }

  // ---- COPY, MOVE (RFC 3501 §6.4.7, RFC 6851, RFC 4315 COPYUID) ----

  private void copy(String tag, ImapArgs args, boolean byUid, boolean move) throws ImapParseException {
    args.sp();
    SequenceSet set = args.sequenceSet();
    args.sp();
    String name = args.mailbox();
    args.end();
    String command = (byUid ? "UID " : "") + (move ? "MOVE" : "COPY");
    List<Integer> seqs = resolve(tag, set, byUid);
    if (seqs == null) {
      return;
    }
    if (move && view.readOnly) {
      no(tag, ImapResponse.READ_ONLY);
      return;
    }
    List<MessageMeta> messages = seqs.stream().map(view::bySeq).toList();
    MailboxAddress source = view.address;
    withFolder(tag, name, ImapResponse.TRYCREATE, target -> {
      if (messages.isEmpty()) {
        finishSelected(tag, byUid, command + " completed");
        return;
      }
      // RFC 9208 §4.3: a COPY that would exceed the quota fails as a whole with [OVERQUOTA]. MOVE within one
      // user's folders does not change its usage (one root per user), so it is not checked.
      Quotas quotas = delivery.quotas();
      CompletionStage<Boolean> fits = move || quotas == null ? CompletableFuture.completedFuture(true)
          : quotas.admits(user, messages.stream().mapToLong(MessageMeta::size).sum(), messages.size());
      await(tag, fits, admitted -> {
        if (!admitted) {
          rejected(tag, Delivery.OVER_QUOTA);
          return;
        }
        copyChecked(tag, byUid, move, command, messages, source, target);
      });
    });
  }

  private void copyChecked(String tag, boolean byUid, boolean move, String command, List<MessageMeta> messages,
                           MailboxAddress source, MailboxAddress target) {
    await(tag, appendCopies(messages, target), replies -> {
      List<Long> from = new ArrayList<>();
      List<Long> to = new ArrayList<>();
      long validity = 0;
      for (int i = 0; i < replies.size(); i++) {
        if (!(replies.get(i) instanceof MailboxProtocol.Appended a)) {
          rejected(tag, (MailboxProtocol.Rejected) replies.get(i));
          return;
        }
        from.add(messages.get(i).uid());
        to.add(a.uid());
        validity = a.uidValidity();
      }
      String copyUid = "[COPYUID " + validity + " " + uidSet(from) + " " + uidSet(to) + "]";
      if (!move) {
        finishSelected(tag, byUid, copyUid + " " + command + " completed");
        return;
      }
      // RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges.
      untagged("OK " + copyUid + " Moved");
      moveOut(tag, source, from, () -> {
        reportAll();
        ok(tag, command + " completed");
      });
    });
  }

  /** Marks the UIDs \Deleted and expunges exactly those (what MOVE and renaming INBOX leave behind). */
  private void moveOut(String tag, MailboxAddress source, List<Long> uids, Runnable then) {
    if (uids.isEmpty()) {
      then.run();
      return;
    }
    CompletionStage<MailboxProtocol.ExpungeReply> done = mailboxes.<MailboxProtocol.StoreReply>ask(source, r ->
            new MailboxProtocol.StoreFlags(RequestId.random(), uids, MailboxProtocol.FlagChange.ADD,
                List.of("\\Deleted"), r), askTimeout)
        .thenCompose(s -> mailboxes.ask(source, r -> new MailboxProtocol.Expunge(RequestId.random(), uids, r),
            askTimeout));
    await(tag, done, reply -> {
      if (reply instanceof MailboxProtocol.Expunged e && view != null && view.address.equals(source)) {
        view.removeOwn(e.uids(), e.highestModSeq());
      }
      then.run();
    });
  }

  /** Appends the messages to the target, keeping flags and internal dates; replies in the messages' order. */
  private CompletableFuture<List<MailboxProtocol.AppendReply>> appendCopies(List<MessageMeta> messages,
                                                                          MailboxAddress target) {
    List<CompletableFuture<MailboxProtocol.AppendReply>> asks = new ArrayList<>();
    for (MessageMeta m : messages) {
      asks.add(mailboxes.<MailboxProtocol.AppendReply>ask(target, r -> new MailboxProtocol.Append(RequestId.random(),
          m.blobId(), m.size(), m.flags(), m.internalDate(), m.envelope(), m.bodyStructure(), m.body(), r), askTimeout)
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(v -> asks.stream().map(CompletableFuture::join).toList());
  }

  private static String uidSet(List<Long> uids) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < uids.size(); i++) {
      int j = i;
      while (j + 1 < uids.size() && uids.get(j + 1) == uids.get(j) + 1) {
        j++;
      }
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(uids.get(i));
      if (j > i) {
        b.append(':').append(uids.get(j));
      }
      i = j;
    }
    return b.toString();
  }

  // ---- SEARCH (RFC 3501 §6.4.4) ----

  /** SEARCH [RETURN (...)] keys: RFC 3501 §6.4.4 with the result options of RFC 4731 and RFC 5182. */
  private void search(String tag, ImapArgs args, boolean byUid) throws ImapParseException {
    SearchReturn returns = SearchReturn.parseOptional(args);
    SearchCommand cmd;
    try {
      cmd = SearchCommand.parse(args, byUid);
    } catch (ImapParseException e) {
      if (returns != null && returns.saves()) {
        view.savedResult = SequenceSet.savedResult(List.of()); // RFC 5182 §2.1: a failed SAVE empties "$"
      }
      throw e;
    }
    search(tag, cmd, rev2 ? Rev2.searchReturn(returns) : returns);
  }

  private void search(String tag, SearchCommand cmd, SearchReturn returns) {
    if (cmd.usesModSeq()) {
      enableCondStore();
    }
    List<Integer> seqs = new ArrayList<>();
    for (int i = 1; i <= view.exists(); i++) {
      seqs.add(i);
    }
    if (!cmd.needsBody()) {
      renderSearch(tag, cmd, returns, Map.of());
      return;
    }
    // TODO(#4): load bodies in bounded batches; today a BODY/TEXT search holds every body of the mailbox at once.
    await(tag, loadBodies(seqs), bodies -> renderSearch(tag, cmd, returns, bodies));
  }

  private void renderSearch(String tag, SearchCommand cmd, SearchReturn returns, Map<String, ByteString> bodies) {
    List<MessageMeta> all = view.all();
    long largestUid = all.isEmpty() ? 0 : all.get(all.size() - 1).uid();
    List<Long> hits = new ArrayList<>();
    Map<Long, Long> modSeqs = new HashMap<>();
    long highestModSeq = 0;
    for (int i = 0; i < all.size(); i++) {
      MessageMeta m = all.get(i);
      if (cmd.key().matches(new SearchCommand.Candidate(i + 1, m, view.isRecent(m.uid()), all.size(), largestUid,
          bodies.get(m.blobId())))) {
        hits.add(cmd.byUid() ? m.uid() : i + 1);
        modSeqs.put(cmd.byUid() ? m.uid() : i + 1, m.modSeq());
        highestModSeq = Math.max(highestModSeq, m.modSeq());
      }
    }
    if (returns == null) {
      untagged(cmd.usesModSeq() ? SearchCommand.response(hits, highestModSeq) : SearchCommand.response(hits));
    } else {
      if (returns.answers()) {
        untagged(returns.response(tag, cmd.byUid(), hits, cmd.usesModSeq() ? modSeqs::get : null));
      }
      if (returns.saves()) {
        List<Long> saved = returns.saved(hits);
        view.savedResult = SequenceSet.savedResult(cmd.byUid() ? saved
            : saved.stream().map(seq -> all.get((int) (long) seq - 1).uid()).toList());
      }
    }
    finishSelected(tag, cmd.byUid(), (cmd.byUid() ? "UID " : "") + "SEARCH completed");
  }

  // ---- SORT and THREAD (RFC 5256) ----

  private void sort(String tag, SortCommand cmd) {
    if (!SortCommand.supportsCharset(cmd.charset())) {
      no(tag, SortCommand.BAD_CHARSET);
      return;
    }
    searched(tag, cmd.search(), cmd.byUid(), found -> {
      untagged(cmd.response(found));
      finishSelected(tag, cmd.byUid(), (cmd.byUid() ? "UID " : "") + "SORT completed");
    });
  }

  private void thread(String tag, ThreadCommand cmd) {
    if (!SortCommand.supportsCharset(cmd.charset())) {
      no(tag, SortCommand.BAD_CHARSET);
      return;
    }
    searched(tag, cmd.search(), cmd.byUid(), found -> {
      untagged(cmd.response(found));
      finishSelected(tag, cmd.byUid(), (cmd.byUid() ? "UID " : "") + "THREAD completed");
    });
  }

  /** The messages SORT's or THREAD's search criteria match; bodies are loaded only for BODY, TEXT and HEADER. */
  private void searched(String tag, SearchCommand search, boolean byUid, Consumer<List<SortableMessage>> then) {
    if (search.usesModSeq()) {
      enableCondStore();
    }
    Consumer<Map<String, ByteString>> match = bodies -> {
      List<MessageMeta> all = view.all();
      long largestUid = all.isEmpty() ? 0 : all.get(all.size() - 1).uid();
      List<SortableMessage> found = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        MessageMeta m = all.get(i);
        if (search.key().matches(new SearchCommand.Candidate(i + 1, m, view.isRecent(m.uid()), all.size(),
            largestUid, bodies.get(m.blobId())))) {
          found.add(SortableMessage.of(i + 1, byUid ? m.uid() : i + 1, m));
        }
      }
      then.accept(found);
    };
    if (!search.needsBody()) {
      match.accept(Map.of());
      return;
    }
    List<Integer> seqs = new ArrayList<>();
    for (int i = 1; i <= view.exists(); i++) {
      seqs.add(i);
    }
    await(tag, loadBodies(seqs), match);
  }

  // ---- IDLE (RFC 2177), ID (RFC 2971), ENABLE (RFC 5161), NAMESPACE (RFC 2342) ----

  private void idle(String tag, ImapArgs args) throws ImapParseException {
    args.end();
    idleTag = tag;
    conn.send(ImapResponse.line(ImapResponse.IDLING));
    if (view != null) {
      mailboxes.mailbox(view.address).tell(new MailboxProtocol.Subscribe(listener));
    }
    reportAll();
  }

  private void id(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    if (args.tryConsume('(')) {
      int fields = 0;
      while (!args.tryConsume(')')) {
        if (fields > 0) {
          args.sp();
        }
        args.nstring();
        fields++;
        if (fields > 60) {
          throw new ImapParseException("too many ID fields"); // RFC 2971 §3.3: at most 30 pairs
        }
      }
    } else if (!args.atom().equalsIgnoreCase("NIL")) {
      throw new ImapParseException("expected a list or NIL");
    }
    args.end();
    untagged("ID (\"name\" \"Mailhive\" \"vendor\" \"Mailhive\")");
    ok(tag, "ID completed");
  }

  private void enable(String tag, ImapArgs args) throws ImapParseException {
    args.sp();
    List<String> asked = new ArrayList<>();
    asked.add(args.atom());
    while (args.tryConsumeSpace()) {
      asked.add(args.atom());
    }
    args.end();
    // RFC 5161 §3.1: ENABLED lists what this command newly enabled; unknown names are ignored. Of the extensions
    // ENABLE can switch on CONDSTORE, QRESYNC, UTF8=ACCEPT and IMAP4rev2 (RFC 9051 §6.3.1).
    boolean newlyCondStore = !condStore && asked.stream().anyMatch(CondStore.CAPABILITY::equalsIgnoreCase);
    boolean newlyQResync = !qResync && asked.stream().anyMatch(QResync.CAPABILITY::equalsIgnoreCase);
    if (newlyQResync) {
      // RFC 7162 §3.2.3: ENABLE QRESYNC implies CONDSTORE, and the client gets VANISHED from now on.
      qResync = true;
      if (view != null) {
        view.withVanished = true;
      }
    }
    if (newlyCondStore || newlyQResync) {
      enableCondStore();
    }
    boolean utf8 = !utf8Accept && asked.stream().anyMatch(MailboxNames.CAPABILITY::equalsIgnoreCase);
    utf8Accept |= utf8;
    boolean newlyRev2 = !rev2 && asked.stream().anyMatch(Rev2.CAPABILITY::equalsIgnoreCase);
    if (newlyRev2) {
      rev2 = true;
      if (view != null) {
        view.imap4rev2 = true;
      }
    }
    untagged("ENABLED" + (newlyCondStore ? " " + CondStore.CAPABILITY : "")
        + (newlyQResync ? " " + QResync.CAPABILITY : "") + (utf8 ? " " + MailboxNames.CAPABILITY : "")
        + (newlyRev2 ? " " + Rev2.CAPABILITY : ""));
    ok(tag, "ENABLE completed");
  }

  /**
   * RFC 7162 §3.1: the first CONDSTORE enabling command switches it on for the connection; issued with a mailbox
   * selected, it also reports that mailbox's HIGHESTMODSEQ, which the client did not get at SELECT.
   */
  /** Mailbox names travel as UTF-8 after ENABLE UTF8=ACCEPT (RFC 6855 §3) or IMAP4rev2 (RFC 9051 §5.1). */
  private boolean utf8Names() {
    return utf8Accept || rev2;
  }

  private void enableCondStore() {
    if (condStore) {
      return;
    }
    condStore = true;
    if (view != null) {
      view.withModSeq = true;
      untagged(CondStore.highestModSeq(view.highestModSeq()));
    }
  }

  private void namespace(String tag, ImapArgs args) throws ImapParseException {
    args.end();
    untagged("NAMESPACE ((\"\" \"" + DELIMITER + "\")) NIL NIL");
    ok(tag, "NAMESPACE completed");
  }

  // ---- QUOTA (RFC 9208): one root, "", per user ----

  private Quota quota() {
    Quotas quotas = delivery.quotas();
    return quotas == null ? Quota.UNLIMITED : quotas.quotaOf(user);
  }

  private void getQuotaRoot(String tag, ImapArgs args) throws ImapParseException {
    String name = QuotaCommand.parseGetQuotaRoot(args);
    withFolder(tag, name, ImapResponse.NONEXISTENT, address -> {
      Quota quota = quota();
      untagged(QuotaCommand.quotaRoot(name, quota));
      if (!quota.limited()) {
        finishSelected(tag, true, "GETQUOTAROOT completed");
        return;
      }
      await(tag, delivery.quotas().usage(user), usage -> {
        untagged(QuotaCommand.quota(quota, usage));
        finishSelected(tag, true, "GETQUOTAROOT completed");
      });
    });
  }

  private void getQuota(String tag, ImapArgs args) throws ImapParseException {
    String root = QuotaCommand.parseGetQuota(args);
    Quota quota = quota();
    if (!root.equals(QuotaCommand.ROOT) || !quota.limited()) {
      no(tag, QuotaCommand.NO_SUCH_ROOT);
      return;
    }
    await(tag, delivery.quotas().usage(user), usage -> {
      untagged(QuotaCommand.quota(quota, usage));
      finishSelected(tag, true, "GETQUOTA completed");
    });
  }

  private void setQuota(String tag, ImapArgs args) throws ImapParseException {
    QuotaCommand.parseSetQuota(args);
    no(tag, QuotaCommand.SETQUOTA_REFUSED);
  }

  private void finishSelected(String tag, boolean expungeReportsAllowed, String text) {
    if (expungeReportsAllowed) {
      reportAll();
    } else {
      reportSafe();
    }
    ok(tag, text);
  }

  private void leaveMailbox() {
    if (view != null) {
      mailboxes.mailbox(view.address).tell(new MailboxProtocol.Unsubscribe(listener));
      view = null;
    }
  }

  // ---- responses ----

  private void reportSafe() {
    if (view != null) {
      view.reportSafe(this::untagged, uidCommand);
    }
  }

  private void reportAll() {
    if (view != null) {
      view.reportAll(this::untagged, uidCommand);
    }
  }

  private void storageFailed(String tag, Throwable failure) {
    conn.context().getLog().warn("storage_unavailable proto=imap user={} sid={} reason=\"{}\"", LogText.clean(user),
        conn.sid(), LogText.clean(String.valueOf(failure.getMessage())));
    no(tag, ImapResponse.UNAVAILABLE);
  }

  private void rejected(String tag, MailboxProtocol.Rejected r) {
    no(tag, Rejections.responseCode(r.reason(), false) + " " + LogText.clean(r.detail()));
  }

  private void limitHit(String limit) {
    conn.context().getLog().info("limit_hit limit={} rip={} sid={}", limit, conn.remote().getAddress().getHostAddress(),
        conn.sid());
  }

  private void untagged(String text) {
    conn.send(ImapResponse.untagged(text));
  }

  private void ok(String tag, String text) {
    // RFC 3501 §7: flag changes and new messages may go out with any command's answer (only EXPUNGE must wait),
    // so another session's STORE reaches this one at its next command, whichever it is.
    reportSafe();
    conn.send(ImapResponse.tagged(tag, "OK", text));
  }

  private void no(String tag, String text) {
    conn.send(ImapResponse.tagged(tag, "NO", text));
  }

  private void bad(String tag, String text) {
    conn.send(ImapResponse.tagged(tag, "BAD", text));
  }
}
