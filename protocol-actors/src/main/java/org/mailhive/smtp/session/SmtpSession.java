package org.mailhive.smtp.session;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.util.ByteString;
import org.mailhive.config.MailhiveSettings.SmtpSettings;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.UserDirectory;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mime.MessageSummary;
import org.mailhive.net.Connection;
import org.mailhive.net.ConnectionActor;
import org.mailhive.net.LogText;
import org.mailhive.net.ProtocolSession;
import org.mailhive.shard.MailboxAddress;
import org.mailhive.smtp.parse.DataDecoder;
import org.mailhive.smtp.parse.SmtpCommandLine;
import org.mailhive.smtp.parse.SmtpLineDecoder;
import org.mailhive.smtp.reply.SmtpReply;

/**
 * One SMTP session (RFC 5321) for mail from other MTAs: HELO/EHLO, MAIL, RCPT, DATA with dot-stuffing, RSET,
 * NOOP, VRFY, HELP, QUIT and STARTTLS (RFC 3207). Commands are answered strictly in order; while a message is
 * being made durable the session reads nothing more, and pipelined commands wait in the decoder.
 *
 * <p>The 250 after DATA goes out only when the body is in the blob store and every recipient's Append is in its
 * mailbox journal. A client that disconnects before the final dot leaves nothing behind.
 */
public final class SmtpSession implements ProtocolSession {
  private enum State { CONNECTED, GREETED, MAIL, DATA, DELIVERING, CLOSED }

  /** Delivery finished (or failed): the connection actor hands this back to the session. */
  private record Delivered(List<MailboxProtocol.AppendReply> replies, Throwable failure, int size)
      implements ConnectionActor.Command {}

  private static final DateTimeFormatter RFC5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  private final Connection conn;
  private final SmtpSettings settings;
  private final String hostname;
  private final UserDirectory directory;
  private final Delivery delivery;
  private final SmtpLineDecoder lines;
  private final Map<String, Consumer<String>> commands;
  private State state = State.CONNECTED;
  private String helo;
  private boolean esmtp;
  private String sender;
  private final List<String> recipients = new ArrayList<>();
  private DataDecoder data;
  private int errors;

  public SmtpSession(Connection conn, SmtpSettings settings, String hostname, UserDirectory directory, Delivery delivery) {
    this.conn = conn;
    this.settings = settings;
    this.hostname = hostname;
    this.directory = directory;
    this.delivery = delivery;
    this.lines = new SmtpLineDecoder(settings.maxLineLength());
    this.commands = Map.of(
        "EHLO", arg -> hello(arg, true), "HELO", arg -> hello(arg, false),
        "MAIL", this::mail, "RCPT", this::rcpt, "DATA", this::data, "RSET", this::rset,
        "NOOP", arg -> reply(SmtpReply.OK), "VRFY", arg -> reply(SmtpReply.VRFY),
        "HELP", arg -> reply(SmtpReply.HELP), "QUIT", this::quit);
  }

  @Override
  public void onStart() {
    reply("220 " + hostname + " ESMTP Mailhive");
  }

  @Override
  public void onInput(ByteString bytes) {
    if (state == State.DATA) {
      onData(bytes);
    } else {
      lines.offer(bytes);
    }
    processLines();
  }

  @Override
  public boolean wantsInput() {
    return state != State.DELIVERING && state != State.CLOSED;
  }

  @Override
  public void onMessage(ConnectionActor.Command message) {
    if (message instanceof Delivered d) {
      onDelivered(d);
      processLines();
    }
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

  private void processLines() {
    while (state != State.DELIVERING && state != State.CLOSED && state != State.DATA) {
      Optional<SmtpLineDecoder.Event> next = lines.next();
      if (next.isEmpty()) {
        return;
      }
      if (next.get() instanceof SmtpLineDecoder.Line line) {
        command(line.text());
      } else {
        error(SmtpReply.LINE_TOO_LONG);
      }
    }
    if (state == State.DATA) {
      ByteString rest = lines.drainBuffered();
      if (!rest.isEmpty()) {
        onData(rest);
        processLines();
      }
    }
  }

  private void command(String line) {
    SmtpCommandLine cmd = SmtpCommandLine.parse(line);
    if (cmd.verb().equals("STARTTLS")) {
      startTls(cmd.argument());
      return;
    }
    Consumer<String> handler = commands.get(cmd.verb());
    if (handler == null) {
      error(SmtpReply.UNKNOWN_COMMAND);
    } else {
      handler.accept(cmd.argument());
    }
  }

  private void hello(String arg, boolean extended) {
    if (arg.isBlank()) {
      error(SmtpReply.SYNTAX);
      return;
    }
    resetTransaction();
    helo = arg.trim();
    esmtp = extended;
    state = State.GREETED;
    if (!extended) {
      reply("250 " + hostname);
      return;
    }
    List<String> caps = new ArrayList<>(List.of(hostname, "PIPELINING", "SIZE " + settings.maxMessageSize(),
        "8BITMIME", "ENHANCEDSTATUSCODES"));
    if (!conn.tlsActive()) {
      caps.add("STARTTLS");
    }
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
    for (Map.Entry<String, String> p : ok.path().parameters().entrySet()) {
      String key = p.getKey().toUpperCase(Locale.ROOT);
      if (key.equals("SIZE")) {
        if (!p.getValue().matches("\\d{1,18}")) {
          error(SmtpReply.SYNTAX);
          return;
        }
        if (Long.parseLong(p.getValue()) > settings.maxMessageSize()) {
          error(SmtpReply.MESSAGE_TOO_BIG);
          return;
        }
      } else if (!key.equals("BODY")) {
        error(SmtpReply.PARAMETER_NOT_SUPPORTED);
        return;
      }
    }
    sender = ok.path().address();
    state = State.MAIL;
    reply(SmtpReply.SENDER_OK);
  }

  private void rcpt(String arg) {
    if (state != State.MAIL) {
      error(state == State.CONNECTED ? SmtpReply.HELO_FIRST : SmtpReply.MAIL_FIRST);
      return;
    }
    SmtpCommandLine.PathResult path = SmtpCommandLine.parseForwardPath(arg);
    if (!(path instanceof SmtpCommandLine.Ok ok) || !ok.path().parameters().isEmpty()) {
      error(path instanceof SmtpCommandLine.Ok ? SmtpReply.PARAMETER_NOT_SUPPORTED : SmtpReply.BAD_RECIPIENT);
      return;
    }
    if (recipients.size() >= settings.maxRecipients()) {
      reply(SmtpReply.TOO_MANY_RECIPIENTS);
      return;
    }
    String address = ok.path().address();
    Optional<String> user = directory.user(address);
    if (user.isEmpty()) {
      boolean localDomain = directory.isLocalDomain(address);
      conn.context().getLog().info("rcpt_rejected proto=smtp from=\"{}\" to=\"{}\" reason={} rip={} sid={}",
          LogText.clean(sender), LogText.clean(address), localDomain ? "unknown_user" : "relay_denied",
          conn.remote().getAddress().getHostAddress(), conn.sid());
      error(localDomain ? SmtpReply.UNKNOWN_USER : SmtpReply.RELAY_DENIED);
      return;
    }
    if (!recipients.contains(user.get())) {
      recipients.add(user.get());
    }
    reply(SmtpReply.RECIPIENT_OK);
  }

  private void data(String arg) {
    if (state != State.MAIL) {
      error(state == State.CONNECTED ? SmtpReply.HELO_FIRST : SmtpReply.MAIL_FIRST);
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

  private void deliver(ByteString content) {
    state = State.DELIVERING;
    ByteString message = traceHeaders().concat(content);
    long now = System.currentTimeMillis();
    List<MailboxAddress> targets = recipients.stream().map(u -> new MailboxAddress(u, "INBOX")).toList();
    var done = CompletableFuture.supplyAsync(() -> MessageSummary.of(message.toArrayUnsafe()), delivery.io())
        .thenCompose(s -> delivery.append(message,
            new Delivery.Metadata(List.of(), now, s.envelope(), s.bodyStructure(), s.body()), targets));
    conn.context().pipeToSelf(done, (replies, failure) -> new Delivered(replies, failure, message.size()));
  }

  private void onDelivered(Delivered d) {
    boolean ok = d.failure() == null
        && d.replies().stream().allMatch(r -> r instanceof MailboxProtocol.Appended);
    if (ok) {
      conn.context().getLog().info("delivered proto=smtp from=\"{}\" to=\"{}\" size={} rip={} sid={}",
          LogText.clean(sender), LogText.clean(String.join(",", recipients)), d.size(),
          conn.remote().getAddress().getHostAddress(), conn.sid());
    } else {
      conn.context().getLog().warn("delivery_failed proto=smtp from=\"{}\" to=\"{}\" sid={}",
          LogText.clean(sender), LogText.clean(String.join(",", recipients)), conn.sid(), d.failure());
    }
    state = State.GREETED;
    endTransaction(ok ? SmtpReply.STORED : SmtpReply.TEMPORARY);
  }

  // RFC 5321 §4.4: the receiving server adds Return-Path (at final delivery) and a Received line.
  private ByteString traceHeaders() {
    String with = (esmtp ? "ESMTP" : "SMTP") + (conn.tlsActive() ? "S" : "");
    String forClause = recipients.size() == 1 ? "\r\n\tfor <" + recipients.get(0) + ">" : "";
    String headers = "Return-Path: <" + sender + ">\r\n"
        + "Received: from " + LogText.clean(helo).replace(';', ' ') + " (" + conn.remote().getAddress().getHostAddress()
        + ")\r\n\tby " + hostname + " (Mailhive) with " + with + " id " + conn.sid() + forClause + ";\r\n\t"
        + RFC5322_DATE.format(ZonedDateTime.now()) + "\r\n";
    return ByteString.fromString(headers, StandardCharsets.UTF_8);
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
          conn.remote().getAddress().getHostAddress(), conn.sid());
    }
    conn.startTls();
    // RFC 3207 §4.2: after the handshake the client starts over with EHLO.
    resetTransaction();
    state = State.CONNECTED;
    helo = null;
  }

  private void endTransaction(String replyText) {
    resetTransaction();
    state = State.GREETED;
    reply(replyText);
  }

  private void resetTransaction() {
    sender = null;
    recipients.clear();
    data = null;
    if (state == State.MAIL || state == State.DATA) {
      state = State.GREETED;
    }
  }

  private void error(String replyText) {
    errors++;
    if (errors >= settings.maxErrors()) {
      reply(SmtpReply.TOO_MANY_ERRORS);
      close("too_many_errors");
      return;
    }
    reply(replyText);
  }

  private void reply(String text) {
    conn.send(SmtpReply.bytes(text));
  }

  private void close(String reason) {
    state = State.CLOSED;
    conn.close(reason);
  }

}
