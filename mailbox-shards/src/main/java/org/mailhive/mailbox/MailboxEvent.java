package org.mailhive.mailbox;

import java.util.List;
import org.mailhive.serialization.CborSerializable;

/**
 * What happened to a mailbox, as stored in the journal. Never change what a persisted event means: add a new
 * event type and keep replaying the old one.
 */
public sealed interface MailboxEvent extends CborSerializable
    permits MailboxEvent.MailboxCreated, MailboxEvent.MessageAppended, MailboxEvent.FlagsChanged,
            MailboxEvent.MessagesExpunged, MailboxEvent.RecentClaimed,
            MailboxEvent.MessagesAppended {

  record MailboxCreated(long uidValidity) implements MailboxEvent {}

  /** requestId is kept so that a retried Append after replay still finds its UID. */
  record MessageAppended(String requestId, MessageMeta message) implements MailboxEvent {}

  /**
   * Several messages added by one command (RFC 3502 MULTIAPPEND), in one event so that they are stored all or none;
   * requestId stands for the whole batch, whose UIDs are consecutive.
   */
  record MessagesAppended(String requestId, List<MessageMeta> messages) implements MailboxEvent {}

  record FlagsChanged(List<UidFlags> changed, long modSeq) implements MailboxEvent {}

  record MessagesExpunged(List<Long> uids, long modSeq) implements MailboxEvent {}

  /** A session took \Recent (RFC 3501 §2.3.2) for every message up to and including {@code throughUid}. */
  record RecentClaimed(long throughUid) implements MailboxEvent {}
}
