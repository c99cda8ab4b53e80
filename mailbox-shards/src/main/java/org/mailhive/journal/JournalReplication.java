package org.mailhive.journal;

import java.util.List;
import org.mailhive.serialization.CborSerializable;

/**
 * Messages between the {@link ReplicatedJournal} of a shard's primary and the {@link ReplicaReceiver} of another
 * store node. Events travel as the bytes the journal stores ({@code PersistentRepr} serialized by Pekko), so the
 * replica stores exactly what the primary stored. ({@code byte[]} rather than ByteString: Jackson writes it as one
 * CBOR byte string, and these records are never compared.)
 */
public final class JournalReplication {
  private JournalReplication() {}

  public record Event(long seqNr, byte[] bytes) {
    JournalStore.Entry entry() {
      return new JournalStore.Entry(seqNr, bytes);
    }

    static Event of(JournalStore.Entry e) {
      return new Event(e.seqNr(), e.bytes());
    }
  }

  // One message carries at most this many octets of events (at least one event), well below Artery's frame
  // (512 KiB as Mailhive configures it); events carrying cached envelopes are a few KiB each.
  static final int MAX_BATCH_BYTES = 256 * 1024;

  /** The first entries that fit in one message. */
  static List<Event> batch(List<JournalStore.Entry> entries) {
    List<Event> out = new java.util.ArrayList<>();
    long bytes = 0;
    for (JournalStore.Entry e : entries) {
      bytes += e.bytes().length;
      if (!out.isEmpty() && bytes > MAX_BATCH_BYTES) {
        break;
      }
      out.add(Event.of(e));
    }
    return out;
  }

  /** Store these events (ascending, contiguous) of one persistence id durably, then answer. */
  public record Replicate(String persistenceId, List<Event> events) implements CborSerializable {}

  /** The events are on the replica's disk. */
  public record Replicated(String persistenceId, long highest) implements CborSerializable {}

  /**
   * The replica lacks events before the first one sent (it was down or unreachable for earlier writes): it stored
   * nothing, and the primary sends again from {@code highest + 1}.
   */
  public record Behind(String persistenceId, long highest) implements CborSerializable {}

  /** Recovery asks the other store nodes for events it lacks. */
  public record FetchAfter(String persistenceId, long highest) implements CborSerializable {}

  public record Events(String persistenceId, List<Event> events) implements CborSerializable {}
}
