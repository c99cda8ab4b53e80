package org.mailhive.queue;

import java.util.List;
import org.mailhive.serialization.CborSerializable;

/**
 * What happened to a queue partition, as stored in the journal. Never change what a persisted event means: add a
 * new event type and keep replaying the old one.
 */
public sealed interface QueueEvent extends CborSerializable
    permits QueueEvent.MessageQueued, QueueEvent.AttemptRecorded {

  /** A message was taken for remote delivery; its body is in the blob store under {@code blobId}. */
  record MessageQueued(QueuedMessage message) implements QueueEvent {}

  /**
   * One delivery attempt ended: {@code delivered} and {@code failed} recipients are done (the failed ones were
   * bounced), {@code deferred} ones are tried again at {@code nextAttemptAt}.
   */
  record AttemptRecorded(String entryId, List<String> delivered, List<String> failed, List<String> deferred,
                         long nextAttemptAt, String lastReply) implements QueueEvent {}
}
