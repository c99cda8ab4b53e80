package org.mailhive.smtp.session;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.mailhive.config.MailhiveSettings.SmtpSettings;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.DirectoryEntry;
import org.mailhive.directory.DirectorySnapshot;
import org.mailhive.directory.UserDirectory;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mime.MessageSummary;
import org.mailhive.net.Connection;
import org.mailhive.quota.QuotaWarningMessage;
import org.mailhive.net.ConnectionActor;
import org.mailhive.net.LogText;
import org.mailhive.net.ProtocolSession;
import org.mailhive.queue.OutboundQueue;
import org.mailhive.net.SessionEnd;
import org.mailhive.shard.MailboxAddress;
import org.mailhive.smtp.command.BdatCommand;
import org.mailhive.smtp.command.MailParameters;
import org.mailhive.smtp.command.ParameterException;
import org.mailhive.smtp.command.RcptParameters;
import org.mailhive.smtp.parse.DataDecoder;
import org.mailhive.smtp.parse.SmtpCommandLine;
import org.mailhive.smtp.parse.SmtpLineDecoder;
import org.mailhive.smtp.policy.RelayPolicy;
import org.mailhive.smtp.reply.Rejections;
import org.mailhive.smtp.reply.SmtpReply;

/**
 * The mail transaction that SMTP (RFC 5321) and LMTP (RFC 2033) share: MAIL, RCPT, DATA with dot-stuffing, BDAT
 * (RFC 3030), RSET, NOOP and QUIT, the ESMTP parameters we advertise, the relay decision at RCPT, trace headers,
 * and delivery. Subclasses add their greeting commands (EHLO/HELO or LHLO), STARTTLS and AUTH, and decide how
 * the end of data is answered: SMTP once for the message, LMTP once per recipient.
 *
 * <p>Commands are answered strictly in order. While a message is being made durable (or a password checked) the
 * session reads nothing more, and pipelined commands wait in the decoder. The answer to the end of data goes out
 * only when the body is in the blob store and the recipient's Append is in its mailbox journal; a client that
 * disconnects before the end leaves nothing behind.
 *
 * <p>DSN parameters (RFC 3461) are validated and kept with the message in an {@value #DSN_HEADER} header (see
 * {@link #traceHeaders}) of a locally stored copy.
 *
 * <p>Remote recipients (accepted only when {@link RelayPolicy} allows relaying) and users' remote forwarding
 * addresses go to the {@link OutboundQueue}; the answer waits for the queued copy to be durable as well.
 */
public abstract class MailTransactionSession implements ProtocolSession {
  protected enum State { CONNECTED, GREETED, MAIL, DATA, CHUNK, BUSY, CLOSED }

  /** For work that runs beside the session (quota warnings), where the actor's own log must not be used. */
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MailTransactionSession.class);

  /** The trace header that keeps the DSN envelope parameters (RFC 3461 §4) with the stored message. */
  public static final String DSN_HEADER = "X-Mailhive-DSN";

  /** Delivery finished (or failed): the connection actor hands this back to the session. */
  private record Delivered(List<Delivery.Outcome> outcomes, Throwable failure, int size)
      implements ConnectionActor.Command {}

  /** The quota check of a RCPT finished: {@code fits} unless every user it names is full. */
  private record RcptChecked(Recipient recipient, boolean fits, Throwable failure) implements ConnectionActor.Command {}

  /**
   * One accepted RCPT: the address the client named, its DSN parameters, and the local users it expands to
   * (aliases, lists); none for a remote recipient, which goes to the outbound queue.
   */
  /**
   * One accepted RCPT: the local users it reaches, the address as given, its DSN parameters, and the addresses in
   * other domains an alias or list sent it on to. No users and no remote targets means the address itself is
   * relayed (authenticated or trusted-network sender).
   */
  protected record Recipient(List<String> users, String address, RcptParameters dsn, List<String> remoteTargets) {
    Recipient(List<String> users, String address, RcptParameters dsn) {
      this(users, address, dsn, List.of());
    }

    boolean relayed() {
      return users.isEmpty() && remoteTargets.isEmpty();
    }

    boolean goesThroughQueue() {
      return users.isEmpty() || !remoteTargets.isEmpty();
    }
  }

  private static final DateTimeFormatter RFC5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  protected final Connection conn;
  protected final SmtpSettings settings;
  protected final String hostname;
  protected final UserDirectory directory;
  protected final Delivery delivery;
  private final RelayPolicy relay;
  /** Null where remote delivery is not wired (then remote recipients get 451 4.4.0 and forwards are not applied). */
  private final OutboundQueue outbound;
  protected final SmtpLineDecoder lines;
  private final Map<String, Consumer<String>> commands = new HashMap<>();
  protected State state = State.CONNECTED;
  protected String helo;
  private String sender;
  private MailParameters mailParameters = MailParameters.NONE;
  private final List<Recipient> recipients = new ArrayList<>();
  private DataDecoder data;
  private ByteStringBuilder chunks;
  private long chunkRemaining;
  private boolean chunkLast;
  private String chunkRefusal;
  private State stateBeforeChunk;
  private Consumer<String> continuation;
  private int errors;
  private int commandCount;

  protected MailTransactionSession(Connection conn, SmtpSettings settings, String hostname, UserDirectory directory,
                                   Delivery delivery, RelayPolicy relay, OutboundQueue outbound) {
    this.conn = conn;
    this.outbound = outbound;
    this.settings = settings;
    this.hostname = hostname;
    this.directory = directory;
    this.delivery = delivery;
    this.relay = relay;
    this.lines = new SmtpLineDecoder(settings.maxLineLength());
    command("MAIL", this::mail);
    command("RCPT", this::rcpt);
    command("DATA", this::data);
    command("BDAT", this::bdat);
    command("RSET", this::rset);
    command("NOOP", arg -> reply(SmtpReply.OK));
    command("QUIT", this::quit);
  }

  // ---- what subclasses decide ----

  /** The protocol's name in log lines: smtp, submission or lmtp. */
  protected abstract String protocol();

  /** The protocol word of the Received header's "with" clause before the S/A suffixes (RFC 3848): ESMTP, SMTP, LMTP. */
  protected abstract String receivedWith();

  /** Answers the end of data once every copy is durable or failed; {@code outcomes} follow {@link #recipients()}. */
  protected abstract void answerDelivery(List<Delivery.Outcome> outcomes);

  /** A reply refusing MAIL FROM this sender, or null to accept it. */
  protected String refuseSender(String address) {
    return null;
  }

  /** Whether the client has authenticated; an authenticated client may relay. */
  protected boolean authenticated() {
    return false;
  }

  /** The message as it will be stored, before the trace headers are added. Submission completes headers here. */
  protected ByteString prepare(ByteString content) {
    return content;
  }

  /** A message for a subclass (an authentication result, say). */
  protected void onSessionMessage(ConnectionActor.Command message) {}

  /** The ESMTP extensions every dialect advertises (RFC 5321 §4.1.1.1); subclasses add STARTTLS and AUTH. */
  protected List<String> extensions() {
    return new ArrayList<>(List.of("PIPELINING", "SIZE " + settings.maxMessageSize(), "8BITMIME", "BINARYMIME",
        "CHUNKING", "SMTPUTF8", "DSN", "ENHANCEDSTATUSCODES"));
  }

  // ---- the session ----

  protected final void command(String verb, Consumer<String> handler) {
    commands.put(verb, handler);
  }

  /** The next line goes to this handler instead of the command table (SASL responses, RFC 4954 §4). */
  protected final void expectContinuation(Consumer<String> handler) {
    continuation = handler;
  }

  protected final List<Recipient> recipients() {
    return recipients;
  }

  @Override
  public void onInput(ByteString bytes) {
    if (state == State.DATA) {
      onData(bytes);
    } else if (state == State.CHUNK) {
      onChunk(bytes);
    } else {
      lines.offer(bytes);
    }
    processLines();
  }

  @Override
  public boolean wantsInput() {
    return state != State.BUSY && state != State.CLOSED;
  }

  @Override
  public void onMessage(ConnectionActor.Command message) {
    if (state == State.CLOSED) {
      return; // a late answer (delivery, password check) for a session that has already said goodbye
    }
    if (message instanceof Delivered d) {
      onDelivered(d);
    } else if (message instanceof RcptChecked c) {
      onRcptChecked(c);
    } else {
      onSessionMessage(message);
    }
    processLines();
  }

  @Override
  public void onIdleTimeout() {
    reply(SmtpReply.IDLE_TIMEOUT);
    close("idle_timeout");
  }

  @Override
  public void onClosed() {
    state = State.CLOSED;
  }

  // RFC 5321 §3.8: a server that must shut down answers 421 to the next command, and never cuts a DATA transfer
  // short: the message being received is delivered and answered first (its 250 is a promise we keep).
  @Override
  public boolean betweenCommands() {
    return (state == State.CONNECTED || state == State.GREETED || state == State.MAIL) && !lines.hasPartialLine();
  }

  @Override
  public void onServerEnd(SessionEnd why) {
    reply(switch (why) {
      case NODE_SHUTDOWN -> SmtpReply.SHUTTING_DOWN;
      case ADMIN_KICK -> SmtpReply.KICKED;
    });
    close(why.logReason());
  }

  protected final void processLines() {
    while (state != State.BUSY && state != State.CLOSED && state != State.DATA && state != State.CHUNK) {
      Optional<SmtpLineDecoder.Event> next = lines.next();
      if (next.isEmpty()) {
        return;
      }
      Consumer<String> pending = continuation;
      continuation = null;
      if (next.get() instanceof SmtpLineDecoder.Line line) {
        if (pending != null) {
          pending.accept(line.text());
        } else {
          command(line.text());
        }
      } else {
        error(SmtpReply.LINE_TOO_LONG);
      }
    }
    if (state == State.DATA || state == State.CHUNK) {
      ByteString rest = lines.drainBuffered();
      if (!rest.isEmpty()) {
        if (state == State.DATA) {
          onData(rest);
        } else {
          onChunk(rest);
        }
        processLines();
      }
    }
  }

  private void command(String line) {
    if (++commandCount > settings.maxCommands()) {
      conn.context().getLog().info("limit_hit limit=smtp.max-commands proto={} rip={} sid={}", protocol(), ip(),
          conn.sid());
      reply(SmtpReply.TOO_MANY_COMMANDS);
      close("too_many_commands");
      return;
    }
    SmtpCommandLine cmd = SmtpCommandLine.parse(line);
    Consumer<String> handler = commands.get(cmd.verb());
    if (handler == null) {
      error(SmtpReply.UNKNOWN_COMMAND);
    } else {
      handler.accept(cmd.argument());
    }
  }

  /** HELO/EHLO/LHLO: resets the transaction and answers with the extensions, or just the name for HELO. */
  protected final void hello(String arg, boolean extended) {
    if (arg.isBlank()) {
      error(SmtpReply.SYNTAX);
      return;
    }
    resetTransaction();
    helo = arg.trim();
    state = State.GREETED;
    if (!extended) {
      reply("250 " + hostname);
      return;
    }
    List<String> caps = new ArrayList<>();
    caps.add(hostname);
    caps.addAll(extensions());
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < caps.size(); i++) {
      b.append("250").append(i == caps.size() - 1 ? ' ' : '-').append(caps.get(i)).append("\r\n");
    }
    conn.send(ByteString.fromString(b.toString(), StandardCharsets.UTF_8));
  }

  private void mail(String arg) {
    if (state == State.CONNECTED) {
      error(SmtpReply.HELO_FIRST);
      return;
    }
    if (state == State.MAIL) {
      error(SmtpReply.NESTED_MAIL);
      return;
    }
    SmtpCommandLine.PathResult path = SmtpCommandLine.parseReversePath(arg);
    if (!(path instanceof SmtpCommandLine.Ok ok)) {
      error(SmtpReply.BAD_SENDER);
      return;
    }
    MailParameters params;
    try {
      params = MailParameters.parse(ok.path().parameters(), settings.maxMessageSize());
    } catch (ParameterException e) {
      error(e.reply());
      return;
    }
    String address = ok.path().address();
    // RFC 6531 §3.4: a non-ASCII address only in a transaction that announced SMTPUTF8.
    if (!params.smtpUtf8() && !isAscii(address)) {
      error(SmtpReply.SMTPUTF8_REQUIRED);
      return;
    }
    String refusal = refuseSender(address);
    if (refusal != null) {
      conn.context().getLog().info("sender_rejected proto={} from=\"{}\" reply=\"{}\" rip={} sid={}", protocol(),
          LogText.clean(address), refusal.substring(0, 9), ip(), conn.sid());
      error(refusal);
      return;
    }
    sender = address;
    mailParameters = params;
    state = State.MAIL;
    reply(SmtpReply.SENDER_OK);
  }

  private void rcpt(String arg) {
    if (state != State.MAIL) {
      error(state == State.CONNECTED ? SmtpReply.HELO_FIRST : SmtpReply.MAIL_FIRST);
      return;
    }
    SmtpCommandLine.PathResult path = SmtpCommandLine.parseForwardPath(arg);
    if (!(path instanceof SmtpCommandLine.Ok ok)) {
      error(SmtpReply.BAD_RECIPIENT);
      return;
    }
    RcptParameters dsn;
    try {
      dsn = RcptParameters.parse(ok.path().parameters());
    } catch (ParameterException e) {
      error(e.reply());
      return;
    }
    String address = ok.path().address();
    if (!mailParameters.smtpUtf8() && !isAscii(address)) {
      error(SmtpReply.SMTPUTF8_REQUIRED);
      return;
    }
    if (recipients.size() >= settings.maxRecipients()) {
      reply(SmtpReply.TOO_MANY_RECIPIENTS);
      return;
    }
    RelayPolicy.Verdict verdict = relay.decide(address, conn.remote().getAddress(), authenticated());
    DirectorySnapshot.Resolution target = verdict == RelayPolicy.Verdict.LOCAL ? directory.resolve(routable(address))
        : new DirectorySnapshot.Resolution(DirectorySnapshot.Outcome.UNKNOWN, List.of());
    // Without an outbound queue an alias's remote targets cannot be sent on; they count as not there.
    List<String> remoteTargets = outbound == null ? List.of() : target.remote();
    if (target.outcome() == DirectorySnapshot.Outcome.DELIVER && (!target.users().isEmpty() || !remoteTargets.isEmpty())) {
      checkQuota(new Recipient(target.users(), address, dsn, remoteTargets));
      return;
    }
    if (verdict == RelayPolicy.Verdict.RELAY_ALLOWED && outbound != null) {
      // The relay policy allowed it (authenticated, or mynetworks): the outbound queue takes it after the data.
      recipients.add(new Recipient(List.of(), address, dsn));
      reply(SmtpReply.RECIPIENT_OK);
      return;
    }
    boolean inactive = target.outcome() == DirectorySnapshot.Outcome.INACTIVE;
    String reason = switch (verdict) {
      case LOCAL -> inactive ? "inactive_user" : "unknown_user";
      case RELAY_ALLOWED -> "remote_unavailable";
      case RELAY_DENIED -> "relay_denied";
    };
    conn.context().getLog().info("rcpt_rejected proto={} from=\"{}\" to=\"{}\" reason={} rip={} sid={}", protocol(),
        LogText.clean(sender), LogText.clean(address), reason, ip(), conn.sid());
    error(switch (verdict) {
      case LOCAL -> inactive ? SmtpReply.INACTIVE_USER : SmtpReply.UNKNOWN_USER;
      case RELAY_ALLOWED -> SmtpReply.REMOTE_DELIVERY_UNAVAILABLE;
      case RELAY_DENIED -> SmtpReply.RELAY_DENIED;
    });
  }

  /**
   * RFC 5321 §4.5.1: {@code <Postmaster>} without a domain must be accepted; it is the postmaster of our primary
   * domain (the domain marked primary, else this node's hostname), resolved like any postmaster@ address (an
   * alias, a user, a list or the domain's catch-all).
   */
  private String routable(String address) {
    if (address.indexOf('@') >= 0) {
      return address;
    }
    return "postmaster@" + directory.primaryDomain().orElse(hostname);
  }

  /**
   * Over-quota recipients are refused here so nothing is accepted that cannot be stored (no backscatter): a
   * RCPT whose every user is full, or cannot take the message size the client announced (RFC 1870 §6.1 allows
   * this answer to RCPT). The check reads usage from the user's shard, so the session waits for it.
   */
  private void checkQuota(Recipient recipient) {
    var quotas = delivery.quotas();
    if (quotas == null || recipient.users().stream().noneMatch(u -> quotas.quotaOf(u).limited())) {
      acceptRecipient(recipient);
      return;
    }
    state = State.BUSY;
    long size = mailParameters.size();
    List<CompletableFuture<Boolean>> checks = recipient.users().stream()
        .map(u -> quotas.admits(u, size, 1).toCompletableFuture()).toList();
    var done = CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenApply(v -> checks.stream().anyMatch(CompletableFuture::join));
    conn.context().pipeToSelf(done, (fits, failure) -> new RcptChecked(recipient, fits != null && fits, failure));
  }

  private void onRcptChecked(RcptChecked c) {
    state = State.MAIL;
    if (c.failure() != null) {
      conn.context().getLog().warn("quota_check_failed proto={} to=\"{}\" sid={} reason=\"{}\"", protocol(),
          LogText.clean(c.recipient().address()), conn.sid(), LogText.clean(String.valueOf(c.failure().getMessage())));
      reply(SmtpReply.TEMPORARY);
      return;
    }
    if (c.fits()) {
      acceptRecipient(c.recipient());
      return;
    }
    conn.context().getLog().info("rcpt_rejected proto={} from=\"{}\" to=\"{}\" reason=over_quota rip={} sid={}",
        protocol(), LogText.clean(sender), LogText.clean(c.recipient().address()), ip(), conn.sid());
    error(Rejections.overQuota(delivery.quotas().settings().permanent()));
  }

  private void acceptRecipient(Recipient recipient) {
    recipients.add(recipient);
    reply(SmtpReply.RECIPIENT_OK);
  }

  private void data(String arg) {
    if (state != State.MAIL) {
      error(state == State.CONNECTED ? SmtpReply.HELO_FIRST : SmtpReply.MAIL_FIRST);
      return;
    }
    if (chunks != null) {
      error(SmtpReply.DATA_AFTER_BDAT);
      return;
    }
    if (recipients.isEmpty()) {
      error(SmtpReply.RCPT_FIRST);
      return;
    }
    if (!arg.isEmpty()) {
      error(SmtpReply.SYNTAX);
      return;
    }
    if (mailParameters.body() == MailParameters.Body.BINARY_MIME) {
      error(SmtpReply.BDAT_REQUIRED);
      return;
    }
    data = new DataDecoder(settings.maxMessageSize());
    state = State.DATA;
    reply(SmtpReply.START_DATA);
  }

  private void onData(ByteString bytes) {
    DataDecoder.Result r = data.feed(bytes);
    if (r instanceof DataDecoder.NeedMore) {
      return;
    }
    data = null;
    if (r instanceof DataDecoder.Complete c) {
      lines.offer(c.remainder());
      deliver(c.message());
    } else if (r instanceof DataDecoder.TooBig t) {
      lines.offer(t.remainder());
      endTransaction(SmtpReply.MESSAGE_TOO_BIG);
    } else if (r instanceof DataDecoder.BareLineEnding b) {
      lines.offer(b.remainder());
      endTransaction(SmtpReply.BARE_LINE_ENDING);
    }
  }

  /**
   * RFC 3030 §2: the chunk's octets follow at once whatever we answer, so they are always read; a chunk that
   * cannot be taken (no transaction, no recipient, over the size limit) is read and dropped, then refused.
   */
  private void bdat(String arg) {
    BdatCommand bdat;
    try {
      bdat = BdatCommand.parse(arg);
    } catch (ParameterException e) {
      // Without a valid size we cannot know where the chunk ends; the client's next bytes read as commands.
      error(e.reply());
      return;
    }
    chunkRefusal = null;
    if (state != State.MAIL) {
      chunkRefusal = state == State.CONNECTED ? SmtpReply.HELO_FIRST : SmtpReply.MAIL_FIRST;
    } else if (recipients.isEmpty()) {
      chunkRefusal = SmtpReply.RCPT_FIRST;
    } else if ((chunks == null ? 0 : chunks.length()) + bdat.size() > settings.maxMessageSize()) {
      chunkRefusal = SmtpReply.MESSAGE_TOO_BIG;
    }
    if (chunkRefusal == null && chunks == null) {
      chunks = new ByteStringBuilder();
    }
    stateBeforeChunk = state;
    chunkRemaining = bdat.size();
    chunkLast = bdat.last();
    state = State.CHUNK;
    onChunk(lines.drainBuffered());
  }

  private void onChunk(ByteString bytes) {
    int take = (int) Math.min(chunkRemaining, bytes.size());
    if (chunkRefusal == null) {
      chunks.append(bytes.take(take));
    }
    chunkRemaining -= take;
    if (chunkRemaining > 0) {
      return;
    }
    lines.offer(bytes.drop(take));
    state = stateBeforeChunk;
    if (chunkRefusal != null) {
      if (chunkRefusal.equals(SmtpReply.MESSAGE_TOO_BIG)) {
        endTransaction(chunkRefusal);
      } else {
        error(chunkRefusal);
      }
    } else if (chunkLast) {
      ByteString message = chunks.result();
      chunks = null;
      deliver(message);
    } else {
      reply(SmtpReply.with(SmtpReply.CHUNK_RECEIVED, String.valueOf(chunks.length())));
    }
  }

  private void deliver(ByteString content) {
    state = State.BUSY;
    ByteString prepared = prepare(content);
    // RFC 5321 §4.4: Return-Path only where we are the final delivery; a copy that leaves gets our Received line.
    ByteString message = traceHeaders(true).concat(prepared);
    ByteString relayed = traceHeaders(false).concat(prepared);
    long now = System.currentTimeMillis();
    List<Recipient> rcpts = List.copyOf(recipients);
    Routing routing = route(rcpts);
    List<String> stored = routing.stored();
    List<MailboxAddress> targets = stored.stream().map(u -> new MailboxAddress(u, "INBOX")).toList();
    CompletableFuture<Map<String, Delivery.Outcome>> local = stored.isEmpty()
        ? CompletableFuture.completedFuture(Map.of())
        : CompletableFuture.supplyAsync(() -> MessageSummary.of(message.toArrayUnsafe()), delivery.io())
            .thenCompose(s -> delivery.appendEach(message,
                new Delivery.Metadata(List.of(), now, s.envelope(), s.bodyStructure(), s.body()), targets))
            .thenApply(outcomes -> {
              Map<String, Delivery.Outcome> byUser = new HashMap<>();
              for (int i = 0; i < stored.size(); i++) {
                byUser.put(stored.get(i), outcomes.get(i));
              }
              return byUser;
            }).toCompletableFuture();
    CompletableFuture<Delivery.Outcome> queued = routing.remote().isEmpty()
        ? CompletableFuture.completedFuture(Delivery.Outcome.queued())
        : outbound.enqueue(relayed, sender, routing.remote(), now).toCompletableFuture()
            .handle((id, ex) -> ex == null ? Delivery.Outcome.queued() : new Delivery.Outcome(null, ex));
    // One outcome per RCPT, so that a user named twice is stored once and answered twice (LMTP); a list's RCPT is
    // answered as answerFor says, a remote RCPT by the queue.
    var done = local.thenCombine(queued, (byUser, q) -> rcpts.stream().map(r -> {
      if (r.users().isEmpty()) {
        return q;
      }
      List<Delivery.Outcome> copies = new ArrayList<>(r.users().stream().map(u -> routing.outcomeOf(u, byUser, q)).toList());
      if (!r.remoteTargets().isEmpty()) {
        copies.add(q);
      }
      return answerFor(copies);
    }).toList());
    // The warning (if this delivery is the crossing) is stored before the reply, so a client that reads its
    // mailbox after our 250 finds it; its failure is logged and never fails the delivery.
    var answered = done.thenCompose(outcomes -> warnAboutQuota(stored).thenApply(v -> outcomes));
    conn.context().pipeToSelf(answered, (outcomes, failure) -> new Delivered(outcomes, failure, message.size()));
  }

  /**
   * A list's RCPT is answered by its first member whose copy failed, else by its first member's copy. A member
   * over quota loses its copy without failing the list (else the sender's retry would duplicate the copies the
   * other members got), unless every member was over quota.
   */
  static Delivery.Outcome answerFor(List<Delivery.Outcome> members) {
    List<Delivery.Outcome> counted = members.size() > 1 && !members.stream().allMatch(Delivery.Outcome::overQuota)
        ? members.stream().filter(o -> !o.overQuota()).toList() : members;
    return counted.stream().filter(o -> !o.durable()).findFirst().orElse(counted.get(0));
  }

  /**
   * After a delivery, each user whose usage just reached the warning level gets one warning mail; the account
   * decides, durably, which delivery is the crossing. Completes when every warning due is stored (or failed).
   */
  private CompletableFuture<Void> warnAboutQuota(List<String> users) {
    var quotas = delivery.quotas();
    if (quotas == null) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> warnings = new ArrayList<>();
    for (String user : users) {
      warnings.add(quotas.warningDue(user).thenCompose(due -> {
        if (due.isEmpty()) {
          return CompletableFuture.<Void>completedFuture(null);
        }
        int percent = quotas.settings().warningPercent();
        ByteString warning = QuotaWarningMessage.of(user, quotas.quotaOf(user), due.get(), percent, hostname,
            ZonedDateTime.now());
        MessageSummary s = MessageSummary.of(warning.toArrayUnsafe());
        return delivery.appendUnchecked(warning, new Delivery.Metadata(List.of(), System.currentTimeMillis(),
                s.envelope(), s.bodyStructure(), s.body()), List.of(new MailboxAddress(user, "INBOX")))
            .thenAccept(r -> LOG.info("quota_warning_sent user={} bytes={} messages={}", user, due.get().bytes(),
                due.get().messages()));
      }).toCompletableFuture().exceptionally(e -> {
        LOG.warn("quota_warning_failed user={} reason=\"{}\"", user, LogText.clean(String.valueOf(e.getMessage())));
        return null;
      }));
    }
    return CompletableFuture.allOf(warnings.toArray(CompletableFuture[]::new));
  }

  /**
   * Where the copies of one message go: {@code stored} users get it in their INBOX, {@code remote} addresses (remote
   * recipients and remote forwarding addresses) through the outbound queue. {@code forwardedLocally} maps a user
   * whose forwarding address is one of ours to the users that address resolves to.
   */
  private record Routing(List<String> stored, List<String> remote, Set<String> forwardedRemotely,
                         Map<String, List<String>> forwardedLocally) {
    /** A user's copy is durable when every place it went to is: its INBOX, the queue, the forward target's INBOX. */
    Delivery.Outcome outcomeOf(String user, Map<String, Delivery.Outcome> byUser, Delivery.Outcome queued) {
      List<Delivery.Outcome> parts = new ArrayList<>();
      if (byUser.containsKey(user)) {
        parts.add(byUser.get(user));
      }
      if (forwardedRemotely.contains(user)) {
        parts.add(queued);
      }
      for (String target : forwardedLocally.getOrDefault(user, List.of())) {
        parts.add(byUser.get(target));
      }
      return parts.stream().filter(o -> !o.durable()).findFirst().orElse(parts.get(0));
    }
  }

  /**
   * Applies the users' forwarding addresses (the directory's {@code forward}). Like a Postfix virtual alias or a
   * Sieve redirect, forwarding replaces the local copy unless {@code forward-keeps-copy} is on. The envelope sender
   * is kept as it was (no SRS rewriting), so a forwarded message's bounce goes to its original sender. A forward to
   * one of our own addresses is delivered here, resolved once and not forwarded again; one that resolves to no
   * active user, or any forward while there is no outbound queue, leaves the copy with the user, so nothing is lost.
   */
  private Routing route(List<Recipient> rcpts) {
    Set<String> users = new LinkedHashSet<>();
    Set<String> remote = new LinkedHashSet<>();
    for (Recipient r : rcpts) {
      if (r.relayed()) {
        remote.add(r.address());
      }
      remote.addAll(r.remoteTargets());
      users.addAll(r.users());
    }
    Set<String> stored = new LinkedHashSet<>();
    Set<String> forwardedRemotely = new HashSet<>();
    Map<String, List<String>> forwardedLocally = new HashMap<>();
    for (String u : users) {
      String forward = outbound == null ? null : directory.userEntry(u).map(DirectoryEntry.User::forward)
          .filter(f -> !f.isBlank() && !f.equalsIgnoreCase(u)).orElse(null);
      if (forward == null) {
        stored.add(u);
        continue;
      }
      if (directory.isLocalDomain(forward)) {
        DirectorySnapshot.Resolution to = directory.resolve(forward);
        if (to.outcome() != DirectorySnapshot.Outcome.DELIVER) {
          stored.add(u);
          continue;
        }
        forwardedLocally.put(u, to.users());
        stored.addAll(to.users());
      } else {
        remote.add(forward);
        forwardedRemotely.add(u);
      }
      if (settings.outbound().forwardKeepsCopy()) {
        stored.add(u);
      }
      conn.context().getLog().info("forwarded proto={} from=\"{}\" user=\"{}\" to=\"{}\" kept_copy={} sid={}",
          protocol(), LogText.clean(sender), LogText.clean(u), LogText.clean(forward),
          settings.outbound().forwardKeepsCopy(), conn.sid());
    }
    return new Routing(List.copyOf(stored), List.copyOf(remote), forwardedRemotely, forwardedLocally);
  }

  private void onDelivered(Delivered d) {
    List<Delivery.Outcome> outcomes = d.failure() == null ? d.outcomes()
        : recipients.stream().map(r -> new Delivery.Outcome(null, d.failure())).toList();
    for (int i = 0; i < recipients.size(); i++) {
      Delivery.Outcome o = outcomes.get(i);
      Recipient r = recipients.get(i);
      if (o.durable() && !r.users().isEmpty()) {
        conn.context().getLog().info("delivered proto={} from=\"{}\" to=\"{}\" size={} rip={} sid={}", protocol(),
            LogText.clean(sender), LogText.clean(String.join(",", r.users())), d.size(), ip(), conn.sid());
      }
      if (o.durable() && r.goesThroughQueue()) {
        conn.context().getLog().info("queued proto={} from=\"{}\" to=\"{}\" size={} rip={} sid={}", protocol(),
            LogText.clean(sender), LogText.clean(r.relayed() ? r.address() : String.join(",", r.remoteTargets())),
            d.size(), ip(), conn.sid());
      }
      if (!o.durable()) {
        conn.context().getLog().warn("delivery_failed proto={} from=\"{}\" to=\"{}\" sid={}", protocol(),
            LogText.clean(sender), LogText.clean(recipients.get(i).users().isEmpty() ? recipients.get(i).address()
                : String.join(",", recipients.get(i).users())), conn.sid(), o.failure());
      }
    }
    state = State.GREETED;
    answerDelivery(outcomes);
    resetTransaction();
  }

  /**
   * The reply for one copy that did not become durable: over quota by the configured policy, else the entity's
   * reason, or 451 for a timeout or crash.
   */
  protected String failureReply(Delivery.Outcome o) {
    if (o.overQuota() && delivery.quotas() != null) {
      return Rejections.overQuota(delivery.quotas().settings().permanent());
    }
    return o.reply() instanceof MailboxProtocol.Rejected r ? Rejections.atDelivery(r.reason()) : SmtpReply.TEMPORARY;
  }

  /**
   * RFC 5321 §4.4: Return-Path (we are the final delivery) and a Received line whose "with" follows RFC 3848
   * and RFC 6531 §4.3. When the client gave DSN parameters, they are kept in one more trace header, e.g.
   * {@code X-Mailhive-DSN: envid=QQ314159; ret=HDRS; rcpt=<a@b> notify=SUCCESS,FAILURE orcpt=rfc822;a@b}, folded
   * after each ";" (every value is xtext or an address the parser checked, so none can break the header).
   */
  private ByteString traceHeaders(boolean finalDelivery) {
    String proto = receivedWith();
    if (mailParameters.smtpUtf8()) {
      proto = "UTF8" + proto.replace("ESMTP", "SMTP");
    }
    String with = proto + (conn.tlsActive() ? "S" : "") + (authenticated() ? "A" : "");
    String forClause = recipients.size() == 1 ? "\r\n\tfor <" + recipients.get(0).address() + ">" : "";
    StringBuilder headers = new StringBuilder();
    if (finalDelivery) {
      headers.append("Return-Path: <").append(sender).append(">\r\n");
    }
    headers.append("Received: from ").append(LogText.clean(helo).replace(';', ' ').replace('(', ' ').replace(')', ' '))
        .append(" (").append(ip()).append(")\r\n\tby ").append(hostname).append(" (Mailhive) with ").append(with)
        .append(" id ").append(conn.sid()).append(forClause).append(";\r\n\t")
        .append(RFC5322_DATE.format(ZonedDateTime.now())).append("\r\n");
    List<String> dsn = new ArrayList<>();
    if (mailParameters.envid() != null) {
      dsn.add("envid=" + mailParameters.envid());
    }
    if (mailParameters.ret() != null) {
      dsn.add("ret=" + mailParameters.ret());
    }
    for (Recipient r : recipients) {
      if (!r.dsn().isEmpty()) {
        dsn.add("rcpt=<" + r.address() + ">" + (r.dsn().notifyWhen() == null ? "" : " notify=" + r.dsn().notifyWhen())
            + (r.dsn().orcpt() == null ? "" : " orcpt=" + r.dsn().orcpt()));
      }
    }
    if (finalDelivery && !dsn.isEmpty()) {
      headers.append(DSN_HEADER).append(": ").append(String.join(";\r\n\t", dsn)).append("\r\n");
    }
    return ByteString.fromString(headers.toString(), StandardCharsets.UTF_8);
  }

  private void rset(String arg) {
    resetTransaction();
    if (state != State.CONNECTED) {
      state = State.GREETED;
    }
    reply(SmtpReply.OK);
  }

  private void quit(String arg) {
    reply(SmtpReply.BYE);
    close("quit");
  }

  /** The message was refused as a whole (too big, bare line endings): not a protocol error, so not counted. */
  private void endTransaction(String replyText) {
    resetTransaction();
    state = State.GREETED;
    reply(replyText);
  }

  /** Forgets the envelope and any body received so far; the session stays greeted. */
  protected final void resetTransaction() {
    sender = null;
    mailParameters = MailParameters.NONE;
    recipients.clear();
    data = null;
    chunks = null;
    if (state == State.MAIL || state == State.DATA || state == State.CHUNK) {
      state = State.GREETED;
    }
  }

  /** A refused command: counts towards the error limit, then closes with 421 when it is reached. */
  protected final void error(String replyText) {
    errors++;
    if (errors >= settings.maxErrors()) {
      reply(SmtpReply.TOO_MANY_ERRORS);
      close("too_many_errors");
      return;
    }
    reply(replyText);
  }

  protected final void reply(String text) {
    conn.send(SmtpReply.bytes(text));
  }

  protected final void close(String reason) {
    state = State.CLOSED;
    conn.close(reason);
  }

  protected final String ip() {
    return conn.remote().getAddress().getHostAddress();
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 0x80);
  }
}
