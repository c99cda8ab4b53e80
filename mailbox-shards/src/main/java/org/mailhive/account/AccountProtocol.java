package org.mailhive.account;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.mailhive.mailbox.RequestId;
import org.mailhive.serialization.CborSerializable;

/** Commands an {@link AccountEntity} accepts and its replies. Every reply carries the folder list after the command. */
public final class AccountProtocol {
  private AccountProtocol() {}

  public sealed interface Command extends CborSerializable
      permits GetFolders, CreateFolder, DeleteFolder, RenameFolder, Subscribe, Unsubscribe, ObserveQuota {}

  public record GetFolders(ActorRef<Reply> replyTo) implements Command {}

  /**
   * Creates the folder and any missing parents (RFC 3501 §6.3.3); specialUse is "" or an RFC 6154 attribute.
   * {@code requestId}, as for the other folder changes: the same command sent again (after a shard hand-off) is
   * answered with the folders instead of being applied twice.
   */
  public record CreateFolder(String name, String specialUse, RequestId requestId, ActorRef<Reply> replyTo)
      implements Command {}

  public record DeleteFolder(String name, RequestId requestId, ActorRef<Reply> replyTo) implements Command {}

  /**
   * Renames a folder and its inferiors (RFC 3501 §6.3.5). Renaming INBOX creates the target as a new empty
   * folder and leaves INBOX in place; moving INBOX's messages there is the caller's job.
   */
  public record RenameFolder(String from, String to, RequestId requestId, ActorRef<Reply> replyTo)
      implements Command {}

  public record Subscribe(String name, ActorRef<Reply> replyTo) implements Command {}

  public record Unsubscribe(String name, ActorRef<Reply> replyTo) implements Command {}

  /**
   * The user's usage as a delivery just saw it: {@code atWarningLevel} when at or above the warning level of
   * either limit. The account decides, as single writer, whether this observation is the crossing that sends the
   * warning (once, until usage is seen below the level again), and persists that before answering.
   */
  public record ObserveQuota(boolean atWarningLevel, long bytes, long messages, ActorRef<WarningDecision> replyTo)
      implements Command {}

  /** {@code send}: this caller delivers the warning message; every other caller does not. */
  public record WarningDecision(boolean send) implements CborSerializable {}

  public sealed interface Reply extends CborSerializable permits Folders, Rejected {}

  /** The account's folders in name order, and the subscribed names (which need not exist, RFC 3501 §6.3.6). */
  public record Folders(List<Folder> folders, List<String> subscriptions) implements Reply {
    public Folder folder(String name) {
      for (Folder f : folders) {
        if (f.name().equals(name)) {
          return f;
        }
      }
      return null;
    }

    public boolean hasChildren(String name, String delimiter) {
      String prefix = name + delimiter;
      return folders.stream().anyMatch(f -> f.name().startsWith(prefix));
    }
  }

  public record Rejected(Reason reason, String detail) implements Reply {}

  /** Why a folder command failed; each protocol maps it to its response code in one place. */
  public enum Reason { NOT_FOUND, ALREADY_EXISTS, CANNOT, LIMIT }
}
