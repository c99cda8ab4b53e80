package org.mailhive.mailbox;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.mailhive.serialization.CborSerializable;

/** Commands a {@link MailboxEntity} accepts, the replies it sends, and the changes it pushes to open sessions. */
public final class MailboxProtocol {
  private MailboxProtocol() {}

  public sealed interface Command extends CborSerializable
      permits Open, Subscribe, Unsubscribe, Append, AppendAll, StoreFlags, Expunge, GetUsage, AnnounceDeletion, GetVanished {}

  /**
   * Snapshot of the mailbox; creates it on first use. With a listener, also subscribes it to changes.
   * {@code claimRecent} is IMAP SELECT: the opener takes \Recent for every message no session has seen yet
   * and for messages that arrive while it stays subscribed (RFC 3501 §2.3.2). EXAMINE and STATUS do not.
   */
  public record Open(ActorRef<Change> listener, boolean claimRecent, long vanishedSince, ActorRef<Opened> replyTo)
      implements Command {
    public Open(ActorRef<Change> listener, boolean claimRecent, ActorRef<Opened> replyTo) {
      this(listener, claimRecent, NO_VANISHED, replyTo);
    }

    public Open(ActorRef<Change> listener, ActorRef<Opened> replyTo) {
      this(listener, false, replyTo);
    }
  }

  /**
   * {@link Open#vanishedSince} when the opener does not ask which UIDs vanished. With a mod-sequence instead, the
   * reply's {@link Opened#vanished} holds the UIDs expunged after it (RFC 7162 §3.2.5 SELECT QRESYNC), taken in the
   * same step as the snapshot so that no expunge falls between the two.
   */
  public static final long NO_VANISHED = -1;

  /**
   * {@code firstRecentUid}: messages with this UID or above had not been claimed by any session before this
   * Open; if the Open claimed them, they are \Recent in the opener alone.
   */
  public record Opened(long uidValidity, long uidNext, long highestModSeq, List<MessageMeta> messages,
                       long firstRecentUid, UidRanges vanished) implements CborSerializable {
    public Opened(long uidValidity, long uidNext, long highestModSeq, List<MessageMeta> messages,
                  long firstRecentUid) {
      this(uidValidity, uidNext, highestModSeq, messages, firstRecentUid, UidRanges.NONE);
    }

    public Opened(long uidValidity, long uidNext, long highestModSeq, List<MessageMeta> messages) {
      this(uidValidity, uidNext, highestModSeq, messages, uidNext);
    }

    /** How many of the snapshot's messages are recent (RFC 3501 §7.3.2 RECENT, STATUS RECENT). */
    public long recentCount() {
      return messages.stream().filter(m -> m.uid() >= firstRecentUid).count();
    }
  }

  /** (Re-)subscribes a listener; idempotent, so sessions send it again whenever they poll or IDLE. */
  public record Subscribe(ActorRef<Change> listener) implements Command {}

  public record Unsubscribe(ActorRef<Change> listener) implements Command {}

  /**
   * The account no longer names this mailbox (DELETE of folder {@code folder}): every subscribed session hears
   * {@link MailboxDeleted} and is forgotten. Nothing is persisted; the mailbox's journal stays as it was.
   */
  public record AnnounceDeletion(String folder) implements Command {}

  /** Adds a message whose body is already durable in the blob store under {@code blobId}. */
  public record Append(RequestId requestId, String blobId, long size, List<String> flags, long internalDate,
                       String envelope, String bodyStructure, String body, ActorRef<AppendReply> replyTo) implements Command {}

  /**
   * Adds several messages at once, all or none (RFC 3502 MULTIAPPEND): their bodies are already durable, and the
   * messages become one event, so a failure before it leaves no message and none after it loses one. They get
   * consecutive UIDs in the order given.
   */
  public record AppendAll(RequestId requestId, List<NewMessage> messages, ActorRef<AppendAllReply> replyTo)
      implements Command {}

  /** One message of an {@link AppendAll}: the same fields as {@link Append} has for its message. */
  public record NewMessage(String blobId, long size, List<String> flags, long internalDate, String envelope,
                           String bodyStructure, String body) implements CborSerializable {}

  /** How much the mailbox holds, for quota (RFC 9208): answered from running totals, never creates the mailbox. */
  public record GetUsage(ActorRef<Usage> replyTo) implements Command {}

  /** {@code bytes} is the sum of the messages' RFC822.SIZE. */
  public record Usage(long messages, long bytes) implements CborSerializable {}

  public enum FlagChange { ADD, REMOVE, REPLACE }

  /**
   * {@code unchangedSince}: RFC 7162 §3.1.3 conditional STORE, checked here so that the test and the change are one
   * step; a message whose mod-sequence is above it is left alone and named in {@link FlagsStored#modified}. A
   * negative value means an unconditional STORE.
   */
  public record StoreFlags(RequestId requestId, List<Long> uids, FlagChange change, List<String> flags,
                           long unchangedSince, ActorRef<StoreReply> replyTo) implements Command {
    public StoreFlags(RequestId requestId, List<Long> uids, FlagChange change, List<String> flags,
                      ActorRef<StoreReply> replyTo) {
      this(requestId, uids, change, flags, UNCONDITIONAL, replyTo);
    }
  }

  /** {@link StoreFlags#unchangedSince} of a STORE without the UNCHANGEDSINCE modifier. */
  public static final long UNCONDITIONAL = -1;

  /** Removes the given UIDs if they carry \Deleted, or every \Deleted message when {@code uids} is null. */
  public record Expunge(RequestId requestId, List<Long> uids, ActorRef<ExpungeReply> replyTo) implements Command {}

  public sealed interface AppendReply extends CborSerializable permits Appended, Rejected {}

  public record Appended(long uidValidity, long uid) implements AppendReply {}

  public sealed interface AppendAllReply extends CborSerializable permits AppendedAll, Rejected {}

  /** The UIDs of an {@link AppendAll}'s messages, in the order they were given. */
  public record AppendedAll(long uidValidity, List<Long> uids) implements AppendAllReply {}

  public sealed interface StoreReply extends CborSerializable permits FlagsStored, Rejected {}

  /** {@code modified}: UIDs a conditional STORE left alone because they changed after its UNCHANGEDSINCE. */
  public record FlagsStored(List<UidFlags> changed, long highestModSeq, List<Long> modified) implements StoreReply {
    public FlagsStored(List<UidFlags> changed, long highestModSeq) {
      this(changed, highestModSeq, List.of());
    }
  }

  public sealed interface ExpungeReply extends CborSerializable permits Expunged, Rejected {}

  public record Expunged(List<Long> uids, long highestModSeq) implements ExpungeReply {}

  public record Rejected(Reason reason, String detail) implements AppendReply, AppendAllReply, StoreReply, ExpungeReply {}

  public enum Reason { NOT_FOUND, ALREADY_EXISTS, OVER_QUOTA, EXPUNGED, READ_ONLY, LIMIT, TEMPORARY }

  /** Pushed to every subscribed session after the change is durable. */
  public sealed interface Change extends CborSerializable
      permits MessagesAdded, FlagsUpdated, MessagesRemoved, Moved, MailboxDeleted {}

  /** {@code recent}: the receiving session is the one that owns \Recent for these messages. */
  public record MessagesAdded(List<MessageMeta> messages, boolean recent) implements Change {
    public MessagesAdded(List<MessageMeta> messages) {
      this(messages, false);
    }
  }

  public record FlagsUpdated(List<UidFlags> changed) implements Change {}

  /** {@code modSeq}: the mod-sequence of the expunge (RFC 7162 §3.2), so sessions can advance their HIGHESTMODSEQ. */
  public record MessagesRemoved(List<Long> uids, long modSeq) implements Change {
    public MessagesRemoved(List<Long> uids) {
      this(uids, 0);
    }
  }

  /** The UIDs expunged after a mod-sequence (RFC 7162 §3.2.6 UID FETCH VANISHED); see {@link MailboxState#vanishedSince}. */
  public record GetVanished(long sinceModSeq, ActorRef<Vanished> replyTo) implements Command {}

  public record Vanished(UidRanges uids) implements CborSerializable {}

  /**
   * The entity stopped (its shard was handed off to another node by a drain or a rolling restart, or it was
   * passivated) and has forgotten its subscribers: subscribe again, which starts it where its shard lives now, so
   * an IDLE session keeps getting pushes after the move. Not a change of the mailbox itself.
   */
  public record Moved(String entityId) implements Change {}

  /** Another session deleted the folder naming this mailbox (RFC 2180 §3.3: a session that has it selected may end). */
  public record MailboxDeleted(String entityId) implements Change {}
}
