package org.mailhive.account;

import java.util.List;
import org.mailhive.serialization.CborSerializable;

/** What happened to an account's folders. Never change what a persisted event means; add a new type instead. */
public sealed interface AccountEvent extends CborSerializable
    permits AccountEvent.AccountInitialized, AccountEvent.FolderCreated, AccountEvent.FolderDeleted,
            AccountEvent.FolderRenamed, AccountEvent.FolderSubscribed, AccountEvent.FolderUnsubscribed,
            AccountEvent.QuotaWarningSent, AccountEvent.QuotaWarningRearmed, AccountEvent.RequestApplied {

  /** First use: INBOX and the special-use folders, all subscribed. */
  record AccountInitialized(List<Folder> folders) implements AccountEvent {}

  record FolderCreated(Folder folder) implements AccountEvent {}

  /** Removes the folder; if it has inferiors its name stays as a \Noselect folder (RFC 3501 §6.3.4). */
  record FolderDeleted(String name) implements AccountEvent {}

  /** Renames the folder and every inferior ({@code from/…} becomes {@code to/…}). */
  record FolderRenamed(String from, String to) implements AccountEvent {}

  record FolderSubscribed(String name) implements AccountEvent {}

  record FolderUnsubscribed(String name) implements AccountEvent {}

  /**
   * A delivery took the user to the warning level of its quota and the warning message goes out; no other goes
   * out until {@link QuotaWarningRearmed}. Kept in the journal so a restart does not send it again.
   */
  record QuotaWarningSent(long bytes, long messages) implements AccountEvent {}

  /** Usage (these numbers) was seen below the warning level again: the next crossing warns again. */
  record QuotaWarningRearmed(long bytes, long messages) implements AccountEvent {}

  /**
   * The folder command with this request id was applied: written together with its events, so that the same
   * command sent again after a shard hand-off is answered without being applied a second time.
   */
  record RequestApplied(String requestId) implements AccountEvent {}
}
