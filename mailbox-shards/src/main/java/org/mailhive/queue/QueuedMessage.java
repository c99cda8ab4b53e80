package org.mailhive.queue;

import java.util.List;

/**
 * One message waiting for remote delivery: its envelope (RFC 5321 §2.3.1; {@code sender} is empty for the null
 * reverse-path {@code <>}), the recipients not yet delivered or bounced, the body's blob id, and the retry state.
 * The body lives in the blob store under the partition's owner name, so a queue entity and its bodies share a node.
 */
public record QueuedMessage(String entryId, String sender, List<String> recipients, String blobId, long size,
                            long queuedAt, int attempts, long nextAttemptAt, String lastReply) {
  public QueuedMessage {
    recipients = List.copyOf(recipients);
  }

  QueuedMessage afterAttempt(List<String> remaining, long next, String reply) {
    return new QueuedMessage(entryId, sender, remaining, blobId, size, queuedAt, attempts + 1, next, reply);
  }
}
