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
}
