package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * THREAD=ORDEREDSUBJECT (RFC 5256 §4): messages with the same base subject form one thread. Within it the earliest
 * (by sent date) is the root and every other message is its child, in sent-date order; threads are ordered by the
 * sent date of their root. Base subjects compare with i;ascii-casemap.
 */
final class ThreadOrderedSubject {
  private ThreadOrderedSubject() {}

  static List<ThreadNode> threads(List<SortableMessage> messages) {
    List<SortableMessage> sorted = new ArrayList<>(messages);
    sorted.sort(Comparator.comparing((SortableMessage m) -> m.subject().text(), AsciiCasemap.ORDER)
        .thenComparing(ThreadNode.BY_SENT_DATE));
    Map<String, ThreadNode> bySubject = new LinkedHashMap<>();
    for (SortableMessage m : sorted) {
      String key = AsciiCasemap.key(m.subject().text());
      ThreadNode root = bySubject.get(key);
      if (root == null) {
        bySubject.put(key, new ThreadNode(m));
      } else {
        root.add(new ThreadNode(m));
      }
    }
    List<ThreadNode> threads = new ArrayList<>(bySubject.values());
    threads.sort(ThreadNode.SIBLINGS);
    return threads;
  }
}
