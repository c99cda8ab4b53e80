package org.mailhive.queue;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.mailhive.serialization.CborSerializable;

/** Commands a {@link QueueEntity} accepts, and its replies. */
public final class QueueProtocol {
  private QueueProtocol() {}

  public sealed interface Command extends CborSerializable permits Enqueue, ClaimDue, RecordAttempt, Status {}

  /** Keep this message until delivered; a retried Enqueue with the same entry id is answered without a new event. */
  public record Enqueue(QueuedMessage message, ActorRef<Enqueued> replyTo) implements Command {}

  public record Enqueued(String entryId) implements CborSerializable {}

  /**
   * Hands out the messages due at {@code now} (at most {@code max}) that no other node holds, and lends them to
   * the caller for {@code leaseMillis}: until then no other claim gets them. Leases are not persisted.
   */
  public record ClaimDue(long now, long leaseMillis, int max, ActorRef<Due> replyTo) implements Command {}

  /** The claimed messages, and the partition's size (messages, recipients) for the queue_status line. */
  public record Due(List<QueuedMessage> messages, int queued, int recipients) implements CborSerializable {}

  /** The outcome of one attempt; ends the lease. */
  public record RecordAttempt(String entryId, List<String> delivered, List<String> failed, List<String> deferred,
                              long nextAttemptAt, String lastReply, ActorRef<Recorded> replyTo) implements Command {}

  public record Recorded(String entryId) implements CborSerializable {}

  public record Status(ActorRef<Due> replyTo) implements Command {}
}
