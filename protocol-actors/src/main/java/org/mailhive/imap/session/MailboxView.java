package org.mailhive.imap.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.mailhive.imap.command.CondStore;
import org.mailhive.imap.command.FetchRenderer;
import org.mailhive.imap.command.QResync;
import org.mailhive.imap.parse.SequenceSet;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.MessageMeta;
import org.mailhive.mailbox.UidFlags;
import org.mailhive.mailbox.UidRanges;
import org.mailhive.shard.MailboxAddress;

/**
 * The client's view of the selected mailbox: the messages it knows in sequence-number order, and the changes
 * the mailbox has pushed that the client has not been told yet.
 *
 * <p>RFC 3501 §7.4.1: an EXPUNGE may not be sent while a FETCH, STORE or SEARCH by sequence number runs, or
 * the client's numbers would shift under it; so removals wait until a command that allows them ({@link
 * #reportAll}). New messages (EXISTS) and flag changes are safe after any command ({@link #reportSafe}).
 */
final class MailboxView {
  final MailboxAddress address;
  final boolean readOnly;
  final long uidValidity;
  private final List<MessageMeta> messages;
  private final List<MessageMeta> pendingAdded = new ArrayList<>();
  private final Map<Long, UidFlags> pendingFlags = new LinkedHashMap<>();
  private final TreeSet<Long> pendingRemoved = new TreeSet<>();
  /** The mod-sequence of the latest expunge among {@link #pendingRemoved}; the view reaches it once they are told. */
  private long pendingRemovedModSeq;
  /** UIDs that are \Recent in this session (RFC 3501 §2.3.2); the mailbox entity decides which. */
  private final Set<Long> recent = new HashSet<>();
  /** The subset this session claimed (all of {@link #recent} after a SELECT; after an EXAMINE only kept ones). */
  private final Set<Long> owned = new HashSet<>();
  private int reportedRecent;
  /**
   * RFC 5182 §2.1: the search result variable "$", kept as UIDs so that expunged messages simply drop out. A new
   * view starts empty, which is the reset SELECT, EXAMINE, CLOSE and UNSELECT need.
   */
  SequenceSet savedResult = SequenceSet.savedResult(List.of());
  /**
   * After ENABLE IMAP4rev2 (RFC 9051 Appendix E items 12 and 21): no \Recent flag, no "* n RECENT" response, and
   * every unsolicited FETCH carries the UID.
   */
  boolean imap4rev2;
  /** RFC 7162 §3.1: once CONDSTORE is enabled, every unsolicited FETCH carries MODSEQ. */
  boolean withModSeq;
  /** RFC 7162 §3.2.10: once QRESYNC is enabled, removals go out as "* VANISHED uids" rather than "* n EXPUNGE". */
  boolean withVanished;
  /** The highest mod-sequence this view has seen: the snapshot's, raised by every change it learns. */
  private long highestModSeq;
  /** Keywords in use, for FLAGS and PERMANENTFLAGS. */
  final Keywords keywords = new Keywords();

  MailboxView(MailboxAddress address, boolean readOnly, MailboxProtocol.Opened opened, Set<Long> kept) {
    this.address = address;
    this.readOnly = readOnly;
    this.uidValidity = opened.uidValidity();
    this.messages = new ArrayList<>(opened.messages());
    // A SELECT claimed these; an EXAMINE sees them as recent without taking them (see MailboxEntity).
    for (MessageMeta m : messages) {
      if (m.uid() >= opened.firstRecentUid() || kept.contains(m.uid())) {
        recent.add(m.uid());
        if (!readOnly || kept.contains(m.uid())) {
          owned.add(m.uid());
        }
      }
    }
    this.reportedRecent = recent.size();
    this.highestModSeq = opened.highestModSeq();
    for (MessageMeta m : messages) {
      keywords.learn(m.flags());
    }
    keywords.told();
  }

  long highestModSeq() {
    return highestModSeq;
  }

  /**
   * Whether the message shows as \Recent here: never after ENABLE IMAP4rev2, which removed the flag (RFC 9051
   * Appendix E); the set is still kept, so what this session claimed survives a re-SELECT as before.
   */
  boolean isRecent(long uid) {
    return !imap4rev2 && recent.contains(uid);
  }

  Set<Long> ownedRecent() {
    return Set.copyOf(owned);
  }

  int recentCount() {
    return recent.size();
  }

  int exists() {
    return messages.size();
  }

  long uidNext() {
    return messages.isEmpty() ? 1 : messages.get(messages.size() - 1).uid() + 1;
  }

  MessageMeta bySeq(int seq) {
    return messages.get(seq - 1);
  }

  List<MessageMeta> all() {
    return Collections.unmodifiableList(messages);
  }

  int seqOf(long uid) {
    int lo = 0;
    int hi = messages.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long u = messages.get(mid).uid();
      if (u == uid) {
        return mid + 1;
      }
      if (u < uid) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  /** Sequence numbers the set names, or null if it names one beyond the last message (a client bug). */
  List<Integer> resolveSeqs(SequenceSet set) {
    if (set.isSavedResult()) {
      return resolveUids(set); // "$" names messages by UID whatever the command (RFC 5182 §2.1)
    }
    long largest = messages.size();
    for (String n : set.toString().split("[,:]")) {
      if (!n.equals("*") && Long.parseLong(n) > largest) {
        return null;
      }
    }
    List<Integer> out = new ArrayList<>();
    set.members(largest).forEach(n -> out.add((int) n));
    return out;
  }

  /** Sequence numbers of the messages whose UIDs the set names; UIDs that do not exist are skipped (RFC 3501 §6.4.8). */
  List<Integer> resolveUids(SequenceSet set) {
    List<Integer> out = new ArrayList<>();
    long largest = messages.isEmpty() ? 0 : messages.get(messages.size() - 1).uid();
    for (int i = 0; i < messages.size(); i++) {
      if (set.contains(messages.get(i).uid(), largest)) {
        out.add(i + 1);
      }
    }
    return out;
  }

  void onChange(MailboxProtocol.Change change) {
    if (change instanceof MailboxProtocol.MessagesAdded a) {
      pendingAdded.addAll(a.messages());
      if (a.recent()) {
        a.messages().forEach(m -> recent.add(m.uid()));
        a.messages().forEach(m -> owned.add(m.uid()));
      }
    } else if (change instanceof MailboxProtocol.FlagsUpdated f) {
      for (UidFlags u : f.changed()) {
        pendingFlags.put(u.uid(), u);
      }
    } else if (change instanceof MailboxProtocol.MessagesRemoved r) {
      pendingRemoved.addAll(r.uids());
      pendingRemovedModSeq = Math.max(pendingRemovedModSeq, r.modSeq());
    }
  }

  /** Applies a flag change the session itself made; returns the updated message. */
  MessageMeta applyOwnFlags(UidFlags u) {
    int seq = seqOf(u.uid());
    if (seq < 0) {
      return null;
    }
    MessageMeta m = messages.get(seq - 1).withFlags(u.flags(), u.modSeq());
    messages.set(seq - 1, m);
    keywords.learn(u.flags());
    highestModSeq = Math.max(highestModSeq, u.modSeq());
    return m;
  }

  void removeOwn(List<Long> uids) {
    pendingRemoved.addAll(uids);
  }

  /** A removal this session made itself, with the mod-sequence of its expunge (RFC 7162 §3.2). */
  void removeOwn(List<Long> uids, long modSeq) {
    removeOwn(uids);
    pendingRemovedModSeq = Math.max(pendingRemovedModSeq, modSeq);
  }

  /** Whether the client has been told of this UID (it is in the view, not waiting to be announced). */
  boolean knows(long uid) {
    return seqOf(uid) > 0;
  }

  /**
   * Reports new messages and flag changes; sends "* n FETCH (FLAGS …)" and "* n EXISTS" lines. The FETCH lines
   * carry the UID only after a UID command, as Dovecot does: RFC 3501 §7.4.2 does not ask for it, and a client
   * numbering by sequence gets exactly what it asked for.
   */
  void reportSafe(Consumer<String> untagged, boolean withUid) {
    pendingFlags.values().forEach(u -> keywords.learn(u.flags()));
    pendingAdded.forEach(m -> keywords.learn(m.flags()));
    keywords.announce(untagged, readOnly);
    for (UidFlags u : pendingFlags.values()) {
      int seq = seqOf(u.uid());
      // A message already expunged (its EXPUNGE waits for a command that allows it) has no flags worth telling:
      // MOVE and renaming INBOX set \Deleted just before they expunge.
      if (seq > 0 && !pendingRemoved.contains(u.uid()) && messages.get(seq - 1).modSeq() < u.modSeq()) {
        messages.set(seq - 1, messages.get(seq - 1).withFlags(u.flags(), u.modSeq()));
        highestModSeq = Math.max(highestModSeq, u.modSeq());
        // RFC 7162 §3.1: once CONDSTORE is on, every unsolicited FETCH carries the UID as well as MODSEQ; RFC 9051
        // §7.5.2 asks the same of IMAP4rev2.
        untagged.accept(seq + " FETCH (" + (withUid || withModSeq || imap4rev2 ? "UID " + u.uid() + " " : "") + "FLAGS "
            + FetchRenderer.flags(messages.get(seq - 1), isRecent(u.uid()))
            + (withModSeq ? " " + CondStore.fetchItem(u.modSeq()) : "") + ")");
      }
    }
    pendingFlags.clear();
    long lastUid = messages.isEmpty() ? 0 : messages.get(messages.size() - 1).uid();
    int before = messages.size();
    pendingAdded.sort((a, b) -> Long.compare(a.uid(), b.uid()));
    for (MessageMeta m : pendingAdded) {
      if (m.uid() > lastUid) {
        messages.add(m);
        lastUid = m.uid();
        highestModSeq = Math.max(highestModSeq, m.modSeq());
      }
    }
    pendingAdded.clear();
    if (messages.size() != before) {
      untagged.accept(messages.size() + " EXISTS");
      // RFC 3501 §7.3.2: RECENT goes with EXISTS whenever the number of recent messages changed.
      if (recent.size() != reportedRecent && !imap4rev2) {
        reportedRecent = recent.size();
        untagged.accept(reportedRecent + " RECENT");
      }
    }
  }

  /** Reports everything, removals included ("* n EXPUNGE", in the order that keeps numbers right). */
  void reportAll(Consumer<String> untagged, boolean withUid) {
    List<Long> vanished = new ArrayList<>();
    for (Long uid : pendingRemoved) {
      int seq = seqOf(uid);
      if (seq > 0) {
        messages.remove(seq - 1);
        if (withVanished) {
          vanished.add(uid);
        } else {
          untagged.accept(seq + " EXPUNGE");
        }
        owned.remove(uid);
        recent.remove(uid);
      }
      pendingAdded.removeIf(m -> m.uid() == uid);
      pendingFlags.remove(uid);
    }
    pendingRemoved.clear();
    // RFC 7162 §3.2.10: one VANISHED for them all, and only UIDs the client knew (not ones never announced).
    if (!vanished.isEmpty()) {
      untagged.accept(QResync.vanished(UidRanges.of(vanished)));
    }
    highestModSeq = Math.max(highestModSeq, pendingRemovedModSeq);
    reportSafe(untagged, withUid);
    // RFC 3501 §7.3.2: RECENT is sent "if the size of the mailbox changes", and an expunge changes it; Dovecot
    // likewise sends the new count whenever it differs from the last one reported.
    if (recent.size() != reportedRecent && !imap4rev2) {
      reportedRecent = recent.size();
      untagged.accept(reportedRecent + " RECENT");
    }
  }
}
