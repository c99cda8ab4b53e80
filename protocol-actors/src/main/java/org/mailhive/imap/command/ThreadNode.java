package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One node of a THREAD answer (RFC 5256 §4): a message, or a dummy standing for a message that is referred to but
 * not among the searched ones ({@code message} null), and its children in order.
 */
final class ThreadNode {
  /** RFC 5256 §4: siblings go by sent date; equal dates keep mailbox order. */
  static final Comparator<SortableMessage> BY_SENT_DATE =
      Comparator.comparingLong(SortableMessage::sentDate).thenComparingInt(SortableMessage::seq);

  /** Orders siblings; a dummy goes by its first child, so its children must be sorted first. */
  static final Comparator<ThreadNode> SIBLINGS = Comparator.comparing(ThreadNode::first, BY_SENT_DATE);

  SortableMessage message;
  ThreadNode parent;
  final List<ThreadNode> children = new ArrayList<>();

  ThreadNode(SortableMessage message) {
    this.message = message;
  }

  boolean dummy() {
    return message == null;
  }

  /** The message itself, or for a dummy its first child's (RFC 5256 §4, steps 4 to 6). */
  SortableMessage first() {
    ThreadNode n = this;
    while (n.message == null) {
      n = n.children.get(0);
    }
    return n.message;
  }

  void add(ThreadNode child) {
    child.parent = this;
    children.add(child);
  }

  void unlink() {
    if (parent != null) {
      parent.children.remove(this);
      parent = null;
    }
  }

  /** Whether this node is {@code other} or one of its ancestors. */
  boolean isAncestorOrSelf(ThreadNode other) {
    for (ThreadNode n = other; n != null; n = n.parent) {
      if (n == this) {
        return true;
      }
    }
    return false;
  }

  /** Sorts every set of siblings below this node, deepest first (RFC 5256 §4 REFERENCES step 6). */
  void sortDescendants() {
    for (ThreadNode child : children) {
      child.sortDescendants();
    }
    children.sort(SIBLINGS);
  }

  /**
   * RFC 5256 §5: thread-list = "(" (thread-members / thread-nested) ")"; a message with one child continues its
   * list, one with several opens a nested list per child, and a dummy has no number of its own.
   */
  static String response(List<ThreadNode> threads) {
    StringBuilder b = new StringBuilder("THREAD");
    if (!threads.isEmpty()) {
      b.append(' ');
    }
    for (ThreadNode t : threads) {
      t.list(b);
    }
    return b.toString();
  }

  private void list(StringBuilder b) {
    b.append('(');
    members(b);
    b.append(')');
  }

  private void members(StringBuilder b) {
    ThreadNode n = this;
    boolean firstMember = true;
    // A chain of only children is one flat list: "(3 6 4 23)".
    while (n.message != null && n.children.size() == 1) {
      if (!firstMember) {
        b.append(' ');
      }
      b.append(n.message.number());
      firstMember = false;
      n = n.children.get(0);
    }
    if (n.message != null) {
      if (!firstMember) {
        b.append(' ');
      }
      b.append(n.message.number());
      if (n.children.isEmpty()) {
        return;
      }
      b.append(' ');
    } else if (n.children.size() == 1) {
      n.children.get(0).members(b);
      return;
    }
    for (ThreadNode child : n.children) {
      child.list(b);
    }
  }
}
