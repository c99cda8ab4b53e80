package org.mailhive.account;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The folders and subscriptions of one account. Immutable: {@link #apply} returns a new state (an account has
 * tens of folders, so copying is cheap and keeps replies safe to hand out). Mailbox ids are never reused, so
 * {@link #nextMailboxNumber} only grows.
 */
public final class AccountState {
  public static final String INBOX = "INBOX";
  public static final String DELIMITER = "/";

  private final boolean initialized;
  private final TreeMap<String, Folder> folders;
  private final TreeSet<String> subscriptions;
  private final long nextMailboxNumber;
  private final boolean quotaWarned;
  // Ids of the last RECENT_REQUESTS folder commands applied, oldest first: a resend comes within seconds.
  private final List<String> recentRequests;

  static final int RECENT_REQUESTS = 32;

  private AccountState(boolean initialized, TreeMap<String, Folder> folders, TreeSet<String> subscriptions,
                       long nextMailboxNumber, boolean quotaWarned, List<String> recentRequests) {
    this.initialized = initialized;
    this.folders = folders;
    this.subscriptions = subscriptions;
    this.nextMailboxNumber = nextMailboxNumber;
    this.quotaWarned = quotaWarned;
    this.recentRequests = recentRequests;
  }

  public static AccountState empty() {
    return new AccountState(false, new TreeMap<>(), new TreeSet<>(), 1, false, List.of());
  }

  /** Whether a folder command with this id was applied (among the last {@value #RECENT_REQUESTS}). */
  public boolean applied(String requestId) {
    return recentRequests.contains(requestId);
  }

  /** Whether the quota warning went out and usage has not been seen below the warning level since. */
  public boolean quotaWarned() {
    return quotaWarned;
  }

  public boolean initialized() {
    return initialized;
  }

  public Folder folder(String name) {
    return folders.get(name);
  }

  public boolean hasChildren(String name) {
    String prefix = name + DELIMITER;
    String next = folders.ceilingKey(prefix);
    return next != null && next.startsWith(prefix);
  }

  public List<Folder> inferiors(String name) {
    String prefix = name + DELIMITER;
    List<Folder> out = new ArrayList<>();
    for (Folder f : folders.tailMap(prefix, true).values()) {
      if (!f.name().startsWith(prefix)) {
        break;
      }
      out.add(f);
    }
    return out;
  }

  public int folderCount() {
    return folders.size();
  }

  /** The id the n-th next created folder gets (n from 0). */
  public String mailboxId(int n) {
    return "m" + (nextMailboxNumber + n);
  }

  public AccountProtocol.Folders folders() {
    return new AccountProtocol.Folders(List.copyOf(folders.values()), List.copyOf(subscriptions));
  }

  public AccountState apply(AccountEvent event) {
    if (event instanceof AccountEvent.QuotaWarningSent) {
      return new AccountState(initialized, folders, subscriptions, nextMailboxNumber, true, recentRequests);
    }
    if (event instanceof AccountEvent.QuotaWarningRearmed) {
      return new AccountState(initialized, folders, subscriptions, nextMailboxNumber, false, recentRequests);
    }
    if (event instanceof AccountEvent.RequestApplied e) {
      List<String> recent = new ArrayList<>(recentRequests);
      recent.add(e.requestId());
      if (recent.size() > RECENT_REQUESTS) {
        recent.remove(0);
      }
      return new AccountState(initialized, folders, subscriptions, nextMailboxNumber, quotaWarned,
          List.copyOf(recent));
    }
    TreeMap<String, Folder> f = new TreeMap<>(folders);
    TreeSet<String> s = new TreeSet<>(subscriptions);
    long next = nextMailboxNumber;
    boolean init = initialized;
    if (event instanceof AccountEvent.AccountInitialized e) {
      init = true;
      for (Folder folder : e.folders()) {
        f.put(folder.name(), folder);
        s.add(folder.name());
        next = Math.max(next, numberOf(folder.mailboxId()) + 1);
      }
    } else if (event instanceof AccountEvent.FolderCreated e) {
      f.put(e.folder().name(), e.folder());
      next = Math.max(next, numberOf(e.folder().mailboxId()) + 1);
    } else if (event instanceof AccountEvent.FolderDeleted e) {
      Folder old = f.remove(e.name());
      if (old != null && hasChildren(e.name())) {
        f.put(e.name(), new Folder(e.name(), "", "", true));
      }
    } else if (event instanceof AccountEvent.FolderRenamed e) {
      Folder old = f.remove(e.from());
      if (old != null) {
        f.put(e.to(), old.renamed(e.to()));
      }
      for (Folder child : inferiors(e.from())) {
        f.remove(child.name());
        String renamed = e.to() + child.name().substring(e.from().length());
        f.put(renamed, child.renamed(renamed));
      }
    } else if (event instanceof AccountEvent.FolderSubscribed e) {
      s.add(e.name());
    } else if (event instanceof AccountEvent.FolderUnsubscribed e) {
      s.remove(e.name());
    } else {
      throw new IllegalArgumentException("unknown account event " + event.getClass().getName());
    }
    return new AccountState(init, f, s, next, quotaWarned, recentRequests);
  }

  private static long numberOf(String mailboxId) {
    if (mailboxId.startsWith("m")) {
      try {
        return Long.parseLong(mailboxId.substring(1));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }
}
