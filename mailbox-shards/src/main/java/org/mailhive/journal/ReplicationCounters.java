package org.mailhive.journal;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts writes that completed on one copy only (the replica did not answer in time): the metric behind the
 * {@code degraded_write} log line. Per JVM, for the admin status and metrics endpoint to read.
 */
public final class ReplicationCounters {
  private ReplicationCounters() {}

  private static final LongAdder DEGRADED_JOURNAL_WRITES = new LongAdder();
  private static final LongAdder DEGRADED_BLOB_WRITES = new LongAdder();
  private static final LongAdder REFUSED_JOURNAL_WRITES = new LongAdder();

  /** Writes rejected because no replica could take them while a partition was undecided ({@code refused_write}). */
  public static long refusedJournalWrites() {
    return REFUSED_JOURNAL_WRITES.sum();
  }

  public static void journalWriteRefused() {
    REFUSED_JOURNAL_WRITES.increment();
  }

  public static long degradedJournalWrites() {
    return DEGRADED_JOURNAL_WRITES.sum();
  }

  public static long degradedBlobWrites() {
    return DEGRADED_BLOB_WRITES.sum();
  }

  public static void journalWriteDegraded() {
    DEGRADED_JOURNAL_WRITES.increment();
  }

  // Read from the blob store's pending list (BlobCatchUp works it off); nothing pending on a node without one.
  private static volatile java.util.function.LongSupplier pendingBlobCopies = () -> 0;

  /** Bodies stored on one copy that the replica still has to get. */
  public static long pendingBlobCopies() {
    return pendingBlobCopies.getAsLong();
  }

  public static void pendingBlobCopiesFrom(java.util.function.LongSupplier source) {
    pendingBlobCopies = source;
  }

  public static void blobWriteDegraded() {
    DEGRADED_BLOB_WRITES.increment();
  }

  // Persistence ids whose last write did not reach their replica (a degraded write), with that replica's node
  // (host:port): the journal's JournalBehind list as of now, which the journal loads here when it starts. The
  // replica gets the missing events with the next write of the same id, from the journal's background catch-up,
  // or when it recovers the shard; until then it lags by these ids.
  private static final java.util.Map<String, String> JOURNAL_BEHIND = new java.util.concurrent.ConcurrentHashMap<>();

  /** The replica {@code replica} lacks the last write of {@code persistenceId}. */
  public static void journalReplicaBehind(String persistenceId, String replica) {
    JOURNAL_BEHIND.put(persistenceId, replica);
  }

  /** A later write of {@code persistenceId} reached its replica, with every event before it. */
  public static void journalReplicaCaughtUp(String persistenceId) {
    JOURNAL_BEHIND.remove(persistenceId);
  }

  /** Persistence ids whose replica lacks events, counted per replica node. */
  public static java.util.Map<String, Long> journalBehindByReplica() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    JOURNAL_BEHIND.values().forEach(r -> out.merge(r, 1L, Long::sum));
    return out;
  }

  /** Persistence ids whose replica lacks events, counted per shard. */
  public static java.util.Map<String, Long> journalBehindByShard(int shardCount) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    JOURNAL_BEHIND.keySet().forEach(pid -> {
      if (pid.indexOf('|') > 0) {
        out.merge(org.mailhive.shard.ReplicaNodes.shardOfPersistenceId(pid, shardCount), 1L, Long::sum);
      }
    });
    return out;
  }

  private static volatile java.util.function.Supplier<java.util.Map<String, Long>> pendingBlobCopiesByShard =
      java.util.Map::of;

  /** Bodies still to copy to their replica, per shard (read from the blob store's pending list). */
  public static java.util.Map<String, Long> pendingBlobCopiesByShard() {
    return pendingBlobCopiesByShard.get();
  }

  public static void pendingBlobCopiesByShardFrom(java.util.function.Supplier<java.util.Map<String, Long>> source) {
    pendingBlobCopiesByShard = source;
  }
}
