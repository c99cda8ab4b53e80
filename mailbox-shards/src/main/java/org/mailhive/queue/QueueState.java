package org.mailhive.queue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of one queue partition that still have recipients to deliver, in the order they were queued.
 * A message leaves the state when its last recipient is delivered or bounced, so a replay after a restart finds
 * only what still needs sending: a delivered recipient is never sent again, unless the node died between the
 * remote 250 and the journal write of the attempt (at-least-once).
 */
public final class QueueState {
  private final Map<String, QueuedMessage> messages;

  public QueueState() {
    this(new LinkedHashMap<>());
  }

  private QueueState(Map<String, QueuedMessage> messages) {
    this.messages = messages;
  }

  public QueueState apply(QueueEvent event) {
    Map<String, QueuedMessage> next = new LinkedHashMap<>(messages);
    if (event instanceof QueueEvent.MessageQueued q) {
      next.put(q.message().entryId(), q.message());
    } else if (event instanceof QueueEvent.AttemptRecorded a) {
      QueuedMessage m = next.get(a.entryId());
      if (m != null) {
        List<String> remaining = new ArrayList<>(m.recipients());
        remaining.removeAll(a.delivered());
        remaining.removeAll(a.failed());
        if (remaining.isEmpty()) {
          next.remove(a.entryId());
        } else {
          next.put(a.entryId(), m.afterAttempt(remaining, a.nextAttemptAt(), a.lastReply()));
        }
      }
    }
    return new QueueState(next);
  }

  public QueuedMessage message(String entryId) {
    return messages.get(entryId);
  }

  public Collection<QueuedMessage> messages() {
    return messages.values();
  }

  public int size() {
    return messages.size();
  }

  public int recipientCount() {
    return messages.values().stream().mapToInt(m -> m.recipients().size()).sum();
  }
}
