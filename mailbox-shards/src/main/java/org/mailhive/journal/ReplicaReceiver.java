package org.mailhive.journal;

import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;

/**
 * Every store node runs one at {@value #PATH}: it stores events that the primary of a shard replicates to this
 * node, and hands out events that a node recovering a shard lacks. It shares the node's {@link JournalStore} with
 * the journal plugin, so that when this node becomes a shard's primary (failover) its entities replay what was
 * replicated here. Writes and reads are synchronous LevelDB calls, as in Pekko's LevelDB journal (events are small).
 */
public final class ReplicaReceiver extends AbstractActor {
  public static final String NAME = "journal-replica";
  public static final String PATH = "/user/" + NAME;
  // Events read per answer before cutting to JournalReplication.MAX_BATCH_BYTES; the asker asks again.
  private static final int MAX_EVENTS_PER_ANSWER = 500;

  private final Path dir;
  private JournalStore store;

  private ReplicaReceiver(Path dir) {
    this.dir = dir;
  }

  public static Props props(Path dir) {
    return Props.create(ReplicaReceiver.class, () -> new ReplicaReceiver(dir));
  }

  @Override
  public void preStart() {
    store = JournalStore.acquire(dir);
  }

  @Override
  public void postStop() {
    store.release();
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(JournalReplication.Replicate.class, this::onReplicate)
        .match(JournalReplication.FetchAfter.class, this::onFetchAfter)
        .build();
  }

  private void onReplicate(JournalReplication.Replicate r) {
    long highest = store.highest(r.persistenceId());
    if (!r.events().isEmpty() && r.events().get(0).seqNr() > highest + 1) {
      getSender().tell(new JournalReplication.Behind(r.persistenceId(), highest), getSelf());
      return;
    }
    store.write(r.persistenceId(), r.events().stream().map(JournalReplication.Event::entry).toList());
    getSender().tell(new JournalReplication.Replicated(r.persistenceId(), store.highest(r.persistenceId())), getSelf());
  }

  private void onFetchAfter(JournalReplication.FetchAfter f) {
    List<JournalReplication.Event> events = JournalReplication.batch(
        store.read(f.persistenceId(), f.highest() + 1, Long.MAX_VALUE, MAX_EVENTS_PER_ANSWER));
    getSender().tell(new JournalReplication.Events(f.persistenceId(), events), getSelf());
  }
}
