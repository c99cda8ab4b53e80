package org.mailhive.mailbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Which UIDs each expunge removed, with the mod-sequence of that expunge (RFC 7162 §3.2: the server MUST associate
 * the incremented mod-sequence with the UIDs of the expunged messages), so QRESYNC can answer "what vanished since
 * mod-sequence n". Rebuilt on replay from {@code MessagesExpunged}, which always carried both; nothing new is
 * persisted.
 *
 * <p>Memory is bounded: each expunge is kept as UID ranges, and when the ranges of all kept expunges exceed
 * {@link #MAX_RANGES} the oldest expunges are forgotten and {@link #forgottenThrough} remembers the highest
 * mod-sequence forgotten. A question about a mod-sequence below that mark cannot be answered exactly; the mailbox
 * then answers with every UID below UIDNEXT that no longer exists, a superset that RFC 7162 §3.2.5.2 allows ("the
 * server MAY send a superset"), and which is exact about which UIDs are gone, just not about when.
 */
final class ExpungeLog {
  /**
   * Ranges kept before the oldest expunges are forgotten. A range is two longs plus object overhead, so this keeps a
   * mailbox's log under about 200 KiB even when every expunge removed scattered single messages, and a client that
   * was offline for fewer than this many expunges still gets an exact answer.
   */
  static final int MAX_RANGES = 4096;

  private record Entry(long modSeq, UidRanges uids) {}

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final int maxRanges;
  private int ranges;
  private long forgottenThrough;

  ExpungeLog() {
    this(MAX_RANGES);
  }

  ExpungeLog(int maxRanges) {
    this.maxRanges = maxRanges;
  }

  void record(long modSeq, List<Long> uids) {
    if (uids.isEmpty()) {
      return;
    }
    UidRanges set = UidRanges.of(uids);
    entries.addLast(new Entry(modSeq, set));
    ranges += set.rangeCount();
    while (ranges > maxRanges && !entries.isEmpty()) {
      Entry oldest = entries.removeFirst();
      ranges -= oldest.uids().rangeCount();
      forgottenThrough = Math.max(forgottenThrough, oldest.modSeq());
    }
  }

  /** Whether {@link #since} is exact for this mod-sequence: every expunge after it is still kept. */
  boolean knowsSince(long modSeq) {
    return modSeq >= forgottenThrough;
  }

  /** The UIDs expunged with a mod-sequence above {@code modSeq}, among the kept expunges. */
  UidRanges since(long modSeq) {
    List<UidRanges.Range> out = new ArrayList<>();
    Iterator<Entry> newestFirst = entries.descendingIterator();
    while (newestFirst.hasNext()) {
      Entry e = newestFirst.next();
      if (e.modSeq() <= modSeq) {
        break; // entries are in mod-sequence order: expunges are persisted one after another
      }
      out.addAll(e.uids().ranges());
    }
    return UidRanges.ofRanges(out);
  }

  long forgottenThrough() {
    return forgottenThrough;
  }
}
