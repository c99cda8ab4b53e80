package org.mailhive.imap.command;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;
import org.mailhive.delivery.Delivery;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.mailbox.Flags;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mime.MessageSummary;
import org.mailhive.shard.MailboxAddress;

/**
 * APPEND (RFC 3501 §6.3.11) with MULTIAPPEND (RFC 3502), literal8 (RFC 3516 §4.4) and the UTF8 data item
 * (RFC 6855 §4). Grammar, as RFC 3502 §6 and RFC 6855 §4 extend it:
 * <pre>
 * append         = "APPEND" SP mailbox 1*append-message
 * append-message = [SP flag-list] [SP date-time] SP append-data
 * append-data    = literal / literal8 / "UTF8" SP "(" literal8 ")"
 * </pre>
 * Several messages are stored all or none (RFC 3502 §3): their bodies are written first, then the mailbox records
 * them in one event ({@link MailboxProtocol.AppendAll}). A literal over the limit never reaches this parser: the
 * frame decoder drops the whole command, so nothing of it is stored either.
 *
 * @param mailbox  the mailbox name as the client wrote it
 * @param messages at least one
 */
public record AppendCommand(String mailbox, List<Message> messages) {

  /**
   * One message to append.
   *
   * @param internalDate milliseconds since the epoch, or {@link #NOW} when the client gave none
   * @param literal8     whether it came as literal8 (RFC 3516), so it may hold NUL and unencoded binary
   */
  public record Message(List<String> flags, long internalDate, ByteString body, boolean literal8) {}

  /** What this command adds to CAPABILITY. */
  public static final String CAPABILITIES = "MULTIAPPEND";

  /** {@link Message#internalDate} of a message without a date-time: the time it is stored (RFC 3501 §6.3.11). */
  public static final long NOW = -1;

  /** RFC 3501 §9 date-time: DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);
  private static final String UTF8 = "UTF8";

  /**
   * Parses the arguments after "APPEND". The UTF8 data item is accepted only once the session has enabled
   * UTF8=ACCEPT ({@link ImapArgs#utf8Accepted()}), as RFC 6855 §4 allows it only then.
   */
  public static AppendCommand parse(ImapArgs args) throws ImapParseException {
    boolean utf8Accepted = args.utf8Accepted();
    args.sp();
    String mailbox = args.mailbox();
    List<Message> messages = new ArrayList<>();
    // RFC 3502 §6: one or more append-message, each starting with SP; the command ends after the last literal.
    while (args.tryConsumeSpace()) {
      messages.add(message(args, utf8Accepted));
    }
    if (messages.isEmpty()) {
      throw new ImapParseException("expected a message literal");
    }
    args.end();
    return new AppendCommand(mailbox, List.copyOf(messages));
  }

  private static Message message(ImapArgs args, boolean utf8Accepted) throws ImapParseException {
    List<String> flags = List.of();
    if (args.peek('(')) {
      flags = StoreCommand.flagList(args);
      args.sp();
    }
    long internalDate = NOW;
    if (args.peek('"')) {
      String date = args.astring().trim();
      try {
        internalDate = ZonedDateTime.parse(date, DATE_TIME).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new ImapParseException("bad date-time " + date);
      }
      args.sp();
    }
    if (args.peekAt(0, 'U')) {
      return utf8Data(args, flags, internalDate, utf8Accepted);
    }
    if (!args.peek('{') && !args.peek('~')) {
      throw new ImapParseException("expected a message literal");
    }
    boolean literal8 = args.peek('~');
    return new Message(flags, internalDate, args.literalOrQuoted(), literal8);
  }

  /** RFC 6855 §4: "UTF8" SP "(" literal8 ")", a message whose headers may carry UTF-8 (RFC 6532). */
  private static Message utf8Data(ImapArgs args, List<String> flags, long internalDate, boolean utf8Accepted)
      throws ImapParseException {
    if (!args.atom().equalsIgnoreCase(UTF8)) {
      throw new ImapParseException("expected a message literal");
    }
    if (!utf8Accepted) {
      throw new ImapParseException("UTF8 message data needs ENABLE UTF8=ACCEPT first");
    }
    args.sp();
    args.openParen();
    if (!args.peek('~')) {
      throw new ImapParseException("UTF8 message data must be a literal8");
    }
    ByteString body = args.literalOrQuoted();
    if (!args.tryCloseParen()) {
      throw new ImapParseException("expected ) after the UTF8 literal");
    }
    return new Message(flags, internalDate, body, true);
  }

  /**
   * Stores the messages in {@code target}: one message as a plain Append, several all or none as one AppendAll.
   * MIME structure is computed once here, off the actor's thread, and kept with each message.
   * Completes with the UIDs in the order of the messages, or the mailbox's refusal.
   */
  public CompletionStage<MailboxProtocol.AppendAllReply> run(Delivery delivery, MailboxAddress target) {
    long now = System.currentTimeMillis();
    return CompletableFuture.supplyAsync(() -> metadata(now), delivery.io()).thenCompose(metas -> {
      List<ByteString> bodies = messages.stream().map(Message::body).toList();
      if (bodies.size() > 1) {
        return delivery.appendAll(bodies, metas, target);
      }
      return delivery.append(bodies.get(0), metas.get(0), List.of(target)).thenApply(replies -> {
        MailboxProtocol.AppendReply r = replies.get(0);
        if (r instanceof MailboxProtocol.Appended a) {
          return new MailboxProtocol.AppendedAll(a.uidValidity(), List.of(a.uid()));
        }
        return (MailboxProtocol.Rejected) r;
      });
    });
  }

  private List<Delivery.Metadata> metadata(long now) {
    List<Delivery.Metadata> metas = new ArrayList<>(messages.size());
    for (Message m : messages) {
      MessageSummary s = MessageSummary.of(m.body().toArrayUnsafe());
      metas.add(new Delivery.Metadata(Flags.normalise(m.flags()), m.internalDate() == NOW ? now : m.internalDate(),
          s.envelope(), s.bodyStructure(), s.body()));
    }
    return metas;
  }

  /** RFC 4315 §3: the response code for a successful APPEND, with the UIDs in the messages' order. */
  public static String appendUid(MailboxProtocol.AppendedAll appended) {
    return "[APPENDUID " + appended.uidValidity() + " " + SearchReturn.compress(appended.uids()) + "]";
  }
}
