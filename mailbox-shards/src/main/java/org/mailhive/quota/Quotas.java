package org.mailhive.quota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.mailhive.account.AccountProtocol;
import org.mailhive.account.AccountSharding;
import org.mailhive.account.Folder;
import org.mailhive.config.MailhiveSettings.QuotaSettings;
import org.mailhive.directory.UserDirectory;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.shard.MailboxAddress;
import org.mailhive.shard.MailboxSharding;

/**
 * Per-user quota (RFC 9208: one quota root per user, over all its folders). Limits come from the directory
 * (a local read); usage is not a counter of its own but is read from the entities that own the messages: the
 * {@code AccountEntity} names the user's folders, and each {@code MailboxEntity} keeps a running total of its
 * messages and their RFC822.SIZE, rebuilt from its journal on recovery. So usage is as durable and as replicated
 * as the mail itself, drops with EXPUNGE, and a deleted folder stops counting the moment the account forgets it.
 * All these entities live on the user's shard, so a read is one ask per folder on one node.
 *
 * <p>Admission is checked before a write, not inside the mailbox entity (which sees one folder only), so two
 * deliveries racing for the last free bytes may both pass: a user can exceed the limit by what was in flight,
 * as with Dovecot's quota plugin. Users without limits are never read (no cost for them).
 */
public final class Quotas {
  private final AccountSharding accounts;
  private final MailboxSharding mailboxes;
  private final UserDirectory directory;
  private final QuotaSettings settings;
  private final Duration timeout;

  public Quotas(AccountSharding accounts, MailboxSharding mailboxes, UserDirectory directory, QuotaSettings settings,
                Duration timeout) {
    this.accounts = accounts;
    this.mailboxes = mailboxes;
    this.directory = directory;
    this.settings = settings;
    this.timeout = timeout;
  }

  public QuotaSettings settings() {
    return settings;
  }

  /** The user's limits from the directory; unlimited for a name the directory does not know. */
  public Quota quotaOf(String user) {
    return directory.userEntry(user).map(Quota::of).orElse(Quota.UNLIMITED);
  }

  /** What the user's folders hold now: one ask to the account, then one per folder. */
  public CompletionStage<Usage> usage(String user) {
    return accounts.<AccountProtocol.Reply>ask(user, AccountProtocol.GetFolders::new, timeout)
        .thenCompose(reply -> {
          List<CompletableFuture<MailboxProtocol.Usage>> asks = new ArrayList<>();
          if (reply instanceof AccountProtocol.Folders folders) {
            for (Folder f : folders.folders()) {
              if (!f.noselect() && !f.mailboxId().isEmpty()) {
                asks.add(mailboxes.<MailboxProtocol.Usage>ask(new MailboxAddress(user, f.mailboxId()),
                    MailboxProtocol.GetUsage::new, timeout).toCompletableFuture());
              }
            }
          }
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Usage sum = Usage.NONE;
            for (CompletableFuture<MailboxProtocol.Usage> a : asks) {
              sum = sum.plus(a.join().bytes(), a.join().messages());
            }
            return sum;
          });
        });
  }

  /** Whether {@code messages} messages of {@code bytes} octets in all still fit; true at once for unlimited users. */
  public CompletionStage<Boolean> admits(String user, long bytes, long messages) {
    Quota quota = quotaOf(user);
    if (!quota.limited()) {
      return CompletableFuture.completedFuture(true);
    }
    return usage(user).thenApply(u -> quota.admits(u, bytes, messages));
  }

  /**
   * After a delivery to {@code user}: reads usage and lets the account decide (as single writer, persisted)
   * whether this is the crossing of the warning level that sends the warning. Completes with the usage to
   * report when the caller is to send the warning message, else empty.
   */
  public CompletionStage<Optional<Usage>> warningDue(String user) {
    Quota quota = quotaOf(user);
    if (!quota.limited()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return usage(user).thenCompose(u -> {
      boolean high = quota.atWarningLevel(u, settings.warningPercent());
      return accounts.<AccountProtocol.WarningDecision>ask(user, 
              r -> new AccountProtocol.ObserveQuota(high, u.bytes(), u.messages(), r), timeout)
          .thenApply(d -> d.send() ? Optional.of(u) : Optional.<Usage>empty());
    });
  }
}
