package org.mailhive.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;
import org.mailhive.blob.BlobId;
import org.mailhive.delivery.Delivery;

/**
 * The outbound queue as the sessions and the delivery actors see it. {@link #enqueue} stores the body with the
 * bodies of one partition (blob store, two nodes), then journals the envelope in that partition's
 * {@link QueueEntity} (two nodes); it completes only then, so SMTP may answer 250. The partition is chosen by the
 * entry id, spreading the queue over {@code partitions} entities and hence over the store nodes.
 */
public final class OutboundQueue {
  private final QueueSharding queues;
  private final Delivery delivery;
  private final Duration timeout;

  public OutboundQueue(QueueSharding queues, Delivery delivery, Duration timeout) {
    this.queues = queues;
    this.delivery = delivery;
    this.timeout = timeout;
  }

  /** Queues one message for these remote recipients; {@code sender} is empty for {@code <>}. Completes with its id. */
  public CompletionStage<String> enqueue(ByteString message, String sender, List<String> recipients, long now) {
    String entryId = UUID.randomUUID().toString();
    String partition = partitionOf(entryId);
    return delivery.store(partition, message).thenCompose(blobId -> queues.<QueueProtocol.Enqueued>ask(partition,
        r -> new QueueProtocol.Enqueue(new QueuedMessage(entryId, sender, recipients,
            blobId.hex(), message.size(), now, 0, now, ""), r), timeout)
        .thenApply(QueueProtocol.Enqueued::entryId));
  }

  public List<String> partitionIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < queues.partitions(); i++) {
      ids.add(QueueSharding.partitionId(i));
    }
    return ids;
  }

  String partitionOf(String entryId) {
    return QueueSharding.partitionId(Math.floorMod(entryId.hashCode(), queues.partitions()));
  }

  public CompletionStage<QueueProtocol.Due> claim(String partition, long now, Duration lease, int max) {
    return queues.ask(partition, r -> new QueueProtocol.ClaimDue(now, lease.toMillis(), max, r), timeout);
  }

  public CompletionStage<QueueProtocol.Recorded> record(String partition, String entryId, List<String> delivered,
                                                        List<String> failed, List<String> deferred,
                                                        long nextAttemptAt, String lastReply) {
    return queues.ask(partition, r -> new QueueProtocol.RecordAttempt(entryId, delivered, failed, deferred,
        nextAttemptAt, lastReply, r), timeout);
  }

  public CompletionStage<ByteString> body(String partition, QueuedMessage m) {
    return delivery.body(partition, new BlobId(m.blobId()));
  }

  /** Messages and recipients in every partition: {@code [messages, recipients]}. */
  public CompletionStage<int[]> size() {
    List<CompletableFuture<QueueProtocol.Due>> all = new ArrayList<>();
    for (String p : partitionIds()) {
      all.add(queues.<QueueProtocol.Due>ask(p, QueueProtocol.Status::new, timeout).toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> new int[] {
        all.stream().mapToInt(f -> f.join().queued()).sum(), all.stream().mapToInt(f -> f.join().recipients()).sum()});
  }
}
