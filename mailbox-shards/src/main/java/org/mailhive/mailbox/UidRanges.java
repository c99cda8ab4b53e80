package org.mailhive.mailbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import org.mailhive.serialization.CborSerializable;

/**
 * An immutable set of UIDs kept as ascending, disjoint, non-adjacent ranges, so that the thousands of UIDs a
 * mailbox clean-up expunges at once cost a few numbers. Text form is the IMAP uid-set ({@code 1:3,7}).
 * Method names avoid get/is so that only {@link #ranges} goes into the CBOR form.
 */
public record UidRanges(List<Range> ranges) implements CborSerializable {
  public static final UidRanges NONE = new UidRanges(List.of());

  /** first &lt;= last. */
  public record Range(long first, long last) {}

  public UidRanges {
    ranges = List.copyOf(ranges);
  }

  public static UidRanges of(Collection<Long> uids) {
    Runs runs = new Runs();
    new TreeSet<>(uids).forEach(runs::add);
    return runs.build();
  }

  /** Collects ascending UIDs into ranges, joining each UID that follows the previous one. */
  private static final class Runs {
    private final List<Range> out = new ArrayList<>();
    private long first = -1;
    private long last = -1;

    void add(long uid) {
      if (first >= 0 && uid == last + 1) {
        last = uid;
        return;
      }
      if (first >= 0) {
        out.add(new Range(first, last));
      }
      first = uid;
      last = uid;
    }

    UidRanges build() {
      if (first >= 0) {
        out.add(new Range(first, last));
      }
      return new UidRanges(out);
    }
  }

  /** Normalises ranges written in any order, overlapping or touching (first and last of each in either order). */
  public static UidRanges ofRanges(List<Range> ranges) {
    List<Range> ordered = new ArrayList<>();
    for (Range r : ranges) {
      ordered.add(new Range(Math.min(r.first(), r.last()), Math.max(r.first(), r.last())));
    }
    return NONE.union(new UidRanges(ordered));
  }

  /** How many UIDs the set holds. */
  public long count() {
    long n = 0;
    for (Range r : ranges) {
      n += r.last() - r.first() + 1;
    }
    return n;
  }

  /** The members in ascending order, without materialising them. */
  public java.util.PrimitiveIterator.OfLong members() {
    return ranges.stream().flatMapToLong(r -> java.util.stream.LongStream.rangeClosed(r.first(), r.last())).iterator();
  }

  /** The members also in {@code other}, computed range by range. */
  public UidRanges intersect(UidRanges other) {
    List<Range> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < ranges.size() && j < other.ranges.size()) {
      Range a = ranges.get(i);
      Range b = other.ranges.get(j);
      long lo = Math.max(a.first(), b.first());
      long hi = Math.min(a.last(), b.last());
      if (lo <= hi) {
        out.add(new Range(lo, hi));
      }
      if (a.last() < b.last()) {
        i++;
      } else {
        j++;
      }
    }
    return new UidRanges(out);
  }

  public boolean none() {
    return ranges.isEmpty();
  }

  public boolean contains(long uid) {
    int lo = 0;
    int hi = ranges.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Range r = ranges.get(mid);
      if (uid < r.first()) {
        hi = mid - 1;
      } else if (uid > r.last()) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /** The union with another set. */
  public UidRanges union(UidRanges other) {
    if (other.none()) {
      return this;
    }
    List<Range> all = new ArrayList<>(ranges);
    all.addAll(other.ranges);
    all.sort((a, b) -> Long.compare(a.first(), b.first()));
    List<Range> out = new ArrayList<>();
    Range cur = all.get(0);
    for (int i = 1; i < all.size(); i++) {
      Range r = all.get(i);
      if (r.first() <= cur.last() + 1) {
        cur = new Range(cur.first(), Math.max(cur.last(), r.last()));
      } else {
        out.add(cur);
        cur = r;
      }
    }
    out.add(cur);
    return new UidRanges(out);
  }

  /**
   * The members that pass the test. Walks every member, so callers bound the set first (UIDs below UIDNEXT of one
   * mailbox, or a client's own known-uids).
   */
  public UidRanges filter(LongPredicate keep) {
    Runs runs = new Runs();
    for (Range r : ranges) {
      for (long uid = r.first(); uid <= r.last(); uid++) {
        if (keep.test(uid)) {
          runs.add(uid);
        }
      }
    }
    return runs.build();
  }

  /** IMAP uid-set text ("1:3,7"), or "" for the empty set. */
  public String text() {
    StringBuilder b = new StringBuilder();
    for (Range r : ranges) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(r.first());
      if (r.last() != r.first()) {
        b.append(':').append(r.last());
      }
    }
    return b.toString();
  }

  /** Number of ranges, what a caller bounding memory counts. */
  public int rangeCount() {
    return ranges.size();
  }
}
