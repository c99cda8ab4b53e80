package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * THREAD=REFERENCES (RFC 5256 §4), the algorithm of Jamie Zawinski's threading: link messages by Message-ID and
 * their reference chains (dummies stand for referenced messages that were not searched), drop the dummies that
 * add nothing, then merge top-level threads whose base subjects are equal, and order every set of siblings by
 * sent date. Step numbers below are the RFC's.
 */
final class ThreadReferences {
  private ThreadReferences() {}

  static List<ThreadNode> threads(List<SortableMessage> messages) {
    List<ThreadNode> all = new ArrayList<>();
    link(messages, all);
    // Step 2: every node without a parent starts a thread.
    List<ThreadNode> roots = new ArrayList<>();
    for (ThreadNode n : all) {
      if (n.parent == null) {
        roots.add(n);
      }
    }
    roots = prune(roots, true);
    // Step 4: order the threads by sent date, a dummy by its earliest child.
    for (ThreadNode r : roots) {
      r.children.sort(ThreadNode.SIBLINGS);
    }
    roots.sort(ThreadNode.SIBLINGS);
    mergeBySubject(roots);
    // Step 6: every set of siblings by sent date, deepest first; the top level too.
    for (ThreadNode r : roots) {
      r.sortDescendants();
    }
    roots.sort(ThreadNode.SIBLINGS);
    return roots;
  }

  /** Step 1: one node per Message-ID, linked along each message's references. */
  private static void link(List<SortableMessage> messages, List<ThreadNode> all) {
    Map<String, ThreadNode> byId = new HashMap<>();
    for (SortableMessage m : messages) {
      ThreadNode self = m.messageId() == null ? null : byId.get(m.messageId());
      if (self == null || !self.dummy()) {
        // No Message-ID, or a duplicate of one already seen: a message of its own that nothing can refer to.
        self = new ThreadNode(null);
        all.add(self);
        if (m.messageId() != null && !byId.containsKey(m.messageId())) {
          byId.put(m.messageId(), self);
        }
      }
      self.message = m;
      // 1A: each reference is the parent of the next; an existing parent stays, and no link may close a loop.
      ThreadNode previous = null;
      for (String id : m.references()) {
        ThreadNode ref = byId.get(id);
        if (ref == null) {
          ref = new ThreadNode(null);
          byId.put(id, ref);
          all.add(ref);
        }
        if (previous != null && ref.parent == null && !ref.isAncestorOrSelf(previous)) {
          previous.add(ref);
        }
        previous = ref;
      }
      // 1B: the last reference is the message's parent, replacing whatever 1A guessed; none means no parent.
      if (previous == null || !self.isAncestorOrSelf(previous)) {
        self.unlink();
        if (previous != null) {
          previous.add(self);
        }
      }
    }
  }

  /**
   * Step 3: a dummy without children goes; a dummy with children gives way to them, except at the top level,
   * where that would split one thread into several, unless it has just one child.
   */
  private static List<ThreadNode> prune(List<ThreadNode> siblings, boolean top) {
    List<ThreadNode> kept = new ArrayList<>();
    for (ThreadNode n : siblings) {
      List<ThreadNode> children = prune(new ArrayList<>(n.children), false);
      n.children.clear();
      children.forEach(n::add);
      if (!n.dummy()) {
        kept.add(n);
      } else if (!children.isEmpty()) {
        if (top && children.size() > 1) {
          kept.add(n);
        } else {
          for (ThreadNode c : children) {
            c.parent = top ? null : n.parent;
            kept.add(c);
          }
          n.children.clear();
        }
      }
    }
    if (top) {
      kept.forEach(k -> k.parent = null);
    }
    return kept;
  }

  /** Step 5: top-level threads with the same (non-empty) base subject become one. */
  private static void mergeBySubject(List<ThreadNode> roots) {
    Map<String, ThreadNode> table = new HashMap<>();
    // 5B and 5C: per subject, prefer a dummy, then a message that is not a reply or forward.
    for (ThreadNode r : roots) {
      String key = subjectKey(r);
      if (key.isEmpty()) {
        continue;
      }
      ThreadNode old = table.get(key);
      if (old == null || (!old.dummy() && (r.dummy() || (isReply(old) && !isReply(r))))) {
        table.put(key, r);
      }
    }
    // 5D: merge every other thread of that subject into the one in the table.
    for (ThreadNode r : new ArrayList<>(roots)) {
      if (r.parent != null) {
        continue; // already put under a new dummy with a later thread of its subject
      }
      String key = subjectKey(r);
      if (key.isEmpty()) {
        continue;
      }
      ThreadNode t = table.get(key);
      if (t == r) {
        continue;
      }
      if (t.dummy() && r.dummy()) {
        for (ThreadNode c : new ArrayList<>(r.children)) {
          t.add(c);
        }
        r.children.clear();
        roots.remove(r);
      } else if (t.dummy() || (isReply(r) && !isReply(t))) {
        roots.remove(r);
        t.add(r);
      } else {
        ThreadNode d = new ThreadNode(null);
        roots.set(roots.indexOf(t), d);
        roots.remove(r);
        d.add(t);
        d.add(r);
        table.put(key, d);
      }
    }
  }

  /** 5B: a dummy's subject is that of its first child (sorted in step 4). */
  private static String subjectKey(ThreadNode n) {
    return AsciiCasemap.key(n.first().subject().text());
  }

  private static boolean isReply(ThreadNode n) {
    return n.first().subject().replyOrForward();
  }
}
