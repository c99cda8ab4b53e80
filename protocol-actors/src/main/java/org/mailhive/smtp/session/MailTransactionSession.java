package org.mailhive.smtp.session;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.mailhive.config.MailhiveSettings.SmtpSettings;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.DirectorySnapshot;
import org.mailhive.directory.UserDirectory;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mime.MessageSummary;
import org.mailhive.net.Connection;
import org.mailhive.net.ConnectionActor;
import org.mailhive.net.LogText;
import org.mailhive.net.ProtocolSession;
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
 * {@link #traceHeaders}), for the bounce generator of the outbound queue to come.
 */
public abstract class MailTransactionSession implements ProtocolSession {
  protected enum State { CONNECTED, GREETED, MAIL, DATA, CHUNK, BUSY, CLOSED }

  /** The trace header that keeps the DSN envelope parameters (RFC 3461 §4) with the stored message. */
  public static final String DSN_HEADER = "X-Mailhive-DSN";

  /** Delivery finished (or failed): the connection actor hands this back to the session. */
  private record Delivered(List<Delivery.Outcome> outcomes, Throwable failure, int size)
      implements ConnectionActor.Command {}

  /** One accepted RCPT: the local user it resolved to, the address as the client wrote it, its DSN parameters. */
  /** One accepted RCPT: the address the client named and the users it expands to (aliases, lists: at delivery). */
  protected record Recipient(List<String> users, String address, RcptParameters dsn) {}

  private static final DateTimeFormatter RFC5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  protected final Connection conn;
  protected final SmtpSettings settings;
  protected final String hostname;
  protected final UserDirectory directory;
  protected final Delivery delivery;
  private final RelayPolicy relay;
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
                                   Delivery delivery, RelayPolicy relay) {
    this.conn = conn;
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
    DirectorySnapshot.Resolution target = verdict == RelayPolicy.Verdict.LOCAL ? directory.resolve(address)
        : new DirectorySnapshot.Resolution(DirectorySnapshot.Outcome.UNKNOWN, List.of());
    if (target.outcome() == DirectorySnapshot.Outcome.DELIVER) {
      recipients.add(new Recipient(target.users(), address, dsn));
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
    ByteString message = traceHeaders().concat(prepare(content));
    long now = System.currentTimeMillis();
    List<Recipient> rcpts = List.copyOf(recipients);
    List<String> users = new ArrayList<>(new LinkedHashSet<>(rcpts.stream().flatMap(r -> r.users().stream()).toList()));
    List<MailboxAddress> targets = users.stream().map(u -> new MailboxAddress(u, "INBOX")).toList();
    var done = CompletableFuture.supplyAsync(() -> MessageSummary.of(message.toArrayUnsafe()), delivery.io())
        .thenCompose(s -> delivery.appendEach(message,
            new Delivery.Metadata(List.of(), now, s.envelope(), s.bodyStructure(), s.body()), targets))
        // One outcome per RCPT, so that a user named twice is stored once and answered twice (LMTP).
        // A list's RCPT is answered by its first member whose copy failed, else by its first member's copy.
        .thenApply(outcomes -> rcpts.stream().map(r -> r.users().stream().map(u -> outcomes.get(users.indexOf(u)))
            .filter(o -> !o.durable()).findFirst().orElse(outcomes.get(users.indexOf(r.users().get(0))))).toList());
    conn.context().pipeToSelf(done, (outcomes, failure) -> new Delivered(outcomes, failure, message.size()));
  }

  private void onDelivered(Delivered d) {
    List<Delivery.Outcome> outcomes = d.failure() == null ? d.outcomes()
        : recipients.stream().map(r -> new Delivery.Outcome(null, d.failure())).toList();
    for (int i = 0; i < recipients.size(); i++) {
      Delivery.Outcome o = outcomes.get(i);
      if (o.durable()) {
        conn.context().getLog().info("delivered proto={} from=\"{}\" to=\"{}\" size={} rip={} sid={}", protocol(),
            LogText.clean(sender), LogText.clean(String.join(",", recipients.get(i).users())), d.size(), ip(), conn.sid());
      } else {
        conn.context().getLog().warn("delivery_failed proto={} from=\"{}\" to=\"{}\" sid={}", protocol(),
            LogText.clean(sender), LogText.clean(String.join(",", recipients.get(i).users())), conn.sid(), o.failure());
      }
    }
    state = State.GREETED;
    answerDelivery(outcomes);
    resetTransaction();
  }

  /** The reply for one copy that did not become durable: the entity's reason, or 451 for a timeout or crash. */
  protected static String failureReply(Delivery.Outcome o) {
    return o.reply() instanceof MailboxProtocol.Rejected r ? Rejections.atDelivery(r.reason()) : SmtpReply.TEMPORARY;
  }

  /**
   * RFC 5321 §4.4: Return-Path (we are the final delivery) and a Received line whose "with" follows RFC 3848
   * and RFC 6531 §4.3. When the client gave DSN parameters, they are kept in one more trace header, e.g.
   * {@code X-Mailhive-DSN: envid=QQ314159; ret=HDRS; rcpt=<a@b> notify=SUCCESS,FAILURE orcpt=rfc822;a@b}, folded
   * after each ";" (every value is xtext or an address the parser checked, so none can break the header).
   */
  private ByteString traceHeaders() {
    String proto = receivedWith();
    if (mailParameters.smtpUtf8()) {
      proto = "UTF8" + proto.replace("ESMTP", "SMTP");
    }
    String with = proto + (conn.tlsActive() ? "S" : "") + (authenticated() ? "A" : "");
    String forClause = recipients.size() == 1 ? "\r\n\tfor <" + recipients.get(0).address() + ">" : "";
    StringBuilder headers = new StringBuilder()
        .append("Return-Path: <").append(sender).append(">\r\n")
        .append("Received: from ").append(LogText.clean(helo).replace(';', ' ').replace('(', ' ').replace(')', ' '))
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
    if (!dsn.isEmpty()) {
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
