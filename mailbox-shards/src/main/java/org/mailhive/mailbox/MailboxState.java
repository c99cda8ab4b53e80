package org.mailhive.mailbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of one mailbox: UIDVALIDITY, UIDNEXT, the highest modification sequence and every message's
 * metadata in UID order, and the UID up to which \Recent has been claimed by a session.
 *
 * <p>Unlike most of our state classes this one is mutable: a mailbox holds up to millions of messages, and an
 * immutable copy per appended message would make delivery O(n). It is safe because only {@link #apply} changes
 * it, and Pekko calls that from the entity's event handler alone; anything handed out of the entity is an
 * immutable copy ({@link #snapshot()}) or an immutable record.
 */
public final class MailboxState {
  /** Request ids of recent appends kept for de-duplicating retries; bounded so a mailbox's memory stays bounded. */
  static final int RECENT_REQUESTS = 1024;

  private long uidValidity;
  private long uidNext = 1;
  private long highestModSeq;
  private long recentClaimedThrough;
  /** Sum of RFC822.SIZE over the messages present, kept with every append and expunge so quota reads are O(1). */
  private long totalSize;
  private final TreeMap<Long, MessageMeta> messages = new TreeMap<>();
  private final ExpungeLog expunges = new ExpungeLog();
  private final LinkedHashMap<String, Long> recentAppends = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > RECENT_REQUESTS;
    }
  };

  public boolean created() {
    return uidValidity != 0;
  }

  public long uidValidity() {
    return uidValidity;
  }

  public long uidNext() {
    return uidNext;
  }

  public long highestModSeq() {
    return highestModSeq;
  }

  /** Messages above this UID are recent and not yet claimed by any session (RFC 3501 §2.3.2). */
  public long recentClaimedThrough() {
    return recentClaimedThrough;
  }

  /** Whether a message exists that no session has claimed \Recent for. */
  public boolean hasUnclaimedRecent() {
    return !messages.isEmpty() && messages.lastKey() > recentClaimedThrough;
  }

  public int size() {
    return messages.size();
  }

  /** Octets of all messages present (the sum of their RFC822.SIZE), what RFC 9208 STORAGE counts. */
  public long totalSize() {
    return totalSize;
  }

  public MessageMeta message(long uid) {
    return messages.get(uid);
  }

  /** The UID an earlier Append with this request id got (the first UID of an AppendAll), or null. */
  public Long uidOfRequest(String requestId) {
    return recentAppends.get(requestId);
  }

  public List<MessageMeta> snapshot() {
    return List.copyOf(messages.values());
  }

  /**
   * The UIDs expunged with a mod-sequence above {@code modSeq} (RFC 7162 §3.2.5, §3.2.6). Exact while the expunge
   * log still holds every expunge after it; otherwise every UID below UIDNEXT that no longer exists, the superset
   * RFC 7162 §3.2.5.2 allows (UIDs are handed out one by one, so each of them was a message once).
   */
  public UidRanges vanishedSince(long modSeq) {
    if (expunges.knowsSince(modSeq)) {
      return expunges.since(modSeq);
    }
    List<UidRanges.Range> gaps = new ArrayList<>();
    long next = 1;
    for (long uid : messages.keySet()) {
      if (uid > next) {
        gaps.add(new UidRanges.Range(next, uid - 1));
      }
      next = uid + 1;
    }
    if (next < uidNext) {
      gaps.add(new UidRanges.Range(next, uidNext - 1));
    }
    return new UidRanges(gaps);
  }

  public List<MessageMeta> messagesWithFlag(String flag) {
    List<MessageMeta> out = new ArrayList<>();
    for (MessageMeta m : messages.values()) {
      if (m.hasFlag(flag)) {
        out.add(m);
      }
    }
    return out;
  }

  private void add(MessageMeta m) {
    MessageMeta replaced = messages.put(m.uid(), m);
    totalSize += m.size() - (replaced == null ? 0 : replaced.size());
    uidNext = Math.max(uidNext, m.uid() + 1);
    highestModSeq = Math.max(highestModSeq, m.modSeq());
  }

  public MailboxState apply(MailboxEvent event) {
    if (event instanceof MailboxEvent.MailboxCreated e) {
      uidValidity = e.uidValidity();
    } else if (event instanceof MailboxEvent.MessageAppended e) {
      add(e.message());
      recentAppends.put(e.requestId(), e.message().uid());
    } else if (event instanceof MailboxEvent.MessagesAppended e) {
      e.messages().forEach(this::add);
      if (!e.messages().isEmpty()) {
        recentAppends.put(e.requestId(), e.messages().get(0).uid()); // the batch's UIDs are consecutive from here
      }
    } else if (event instanceof MailboxEvent.FlagsChanged e) {
      for (UidFlags f : e.changed()) {
        MessageMeta m = messages.get(f.uid());
        if (m != null) {
          messages.put(f.uid(), m.withFlags(f.flags(), f.modSeq()));
        }
      }
      highestModSeq = Math.max(highestModSeq, e.modSeq());
    } else if (event instanceof MailboxEvent.MessagesExpunged e) {
      for (Long uid : e.uids()) {
        MessageMeta gone = messages.remove(uid);
        if (gone != null) {
          totalSize -= gone.size();
        }
      }
      expunges.record(e.modSeq(), e.uids());
      highestModSeq = Math.max(highestModSeq, e.modSeq());
    } else if (event instanceof MailboxEvent.RecentClaimed e) {
      recentClaimedThrough = Math.max(recentClaimedThrough, e.throughUid());
    } else {
      throw new IllegalArgumentException("unknown mailbox event " + event.getClass().getName());
    }
    return this;
  }
}
