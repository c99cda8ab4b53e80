package org.mailhive.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal plugin with real LevelDB stores and, for replication, two clustered actor systems in this JVM on
 * 127.0.0.1, each with its own journal directory and {@link ReplicaReceiver}.
 */
class ReplicatedJournalTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PID = "Mailbox|alice@example.org:INBOX";
  private static final Duration CATCH_UP_INTERVAL = Duration.ofMillis(200);
  // Long enough that no background catch-up runs during a test.
  private static final Duration NO_CATCH_UP = Duration.ofHours(1);

  @TempDir
  Path dir;
  private final List<ActorSystem<?>> systems = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ActorSystem<?> s : systems) {
      s.terminate();
      s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** A persistent list of strings: the smallest entity that writes through the journal plugin. */
  static final class Notes extends EventSourcedBehavior<Notes.Command, String, List<String>> {
    interface Command {}

    record Add(String text, ActorRef<Done> replyTo) implements Command {}

    record Read(ActorRef<List<String>> replyTo) implements Command {}

    Notes(String pid) {
      super(PersistenceId.ofUniqueId(pid));
    }

    @Override
    public List<String> emptyState() {
      return List.of();
    }

    @Override
    public CommandHandler<Command, String, List<String>> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Add.class, (s, c) -> Effect().persist(c.text()).thenRun(x -> c.replyTo().tell(Done.getInstance())))
          .onCommand(Read.class, (s, c) -> Effect().none().thenRun(x -> c.replyTo().tell(s)))
          .build();
    }

    @Override
    public EventHandler<List<String>, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> {
        List<String> next = new ArrayList<>(s);
        next.add(e);
        return next;
      });
    }
  }

  // The guardian starts this node's ReplicaReceiver at /user/journal-replica when told to, as Node does at start.
  private ActorSystem<String> system(String name, boolean clustered) {
    return system(name, clustered, CATCH_UP_INTERVAL);
  }

  private ActorSystem<String> system(String name, boolean clustered, Duration catchUpInterval) {
    String provider = clustered ? "cluster" : "local";
    Config c = ConfigFactory.parseMap(Map.of(
            "mailhive.journal.replica-catch-up.interval", catchUpInterval.toMillis() + "ms"))
        .withFallback(ConfigFactory.parseMap(Map.of(
            "pekko.actor.provider", provider,
            "pekko.remote.artery.canonical.hostname", "127.0.0.1",
            "pekko.remote.artery.canonical.port", 0,
            "pekko.cluster.roles", List.of("store"),
            "pekko.persistence.journal.plugin", "mailhive.journal",
            "pekko.persistence.snapshot-store.plugin", "",
            "mailhive.journal.dir", dir.resolve(name).toString(),
            "mailhive.journal.replica-timeout", "1s",
            "mailhive.journal.catch-up-timeout", "1s")))
        .withFallback(ConfigFactory.load());
    Path journal = dir.resolve(name);
    ActorSystem<String> s = ActorSystem.create(Behaviors.receive(String.class)
        .onMessageEquals("start-receiver", () -> Behaviors.setup(ctx -> {
          Adapter.actorOf(ctx, ReplicaReceiver.props(journal), ReplicaReceiver.NAME);
          return Behaviors.empty();
        }))
        .build(), "mailhive", c);
    systems.add(s);
    return s;
  }

  private static void add(ActorSystem<?> s, ActorRef<Notes.Command> notes, String text) {
    TestProbe<Done> done = TestProbe.create(s);
    notes.tell(new Notes.Add(text, done.getRef()));
    done.expectMessage(WAIT, Done.getInstance());
  }

  private static List<String> read(ActorSystem<?> s, ActorRef<Notes.Command> notes) {
    TestProbe<List<String>> probe = TestProbe.create(s);
    notes.tell(new Notes.Read(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private static <T> ActorRef<T> spawn(ActorSystem<?> s, Behavior<T> b, String name) {
    return s.systemActorOf(b, name, org.apache.pekko.actor.typed.Props.empty());
  }

  @Test
  void replaysWhatWasWrittenAfterARestart() throws Exception {
    ActorSystem<String> first = system("single", false);
    ActorRef<Notes.Command> notes = spawn(first, new Notes(PID), "notes");
    add(first, notes, "one");
    add(first, notes, "two");
    first.terminate();
    first.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    systems.clear();
    ActorSystem<String> second = system("single", false);
    assertEquals(List.of("one", "two"), read(second, spawn(second, new Notes(PID), "notes")));
  }

  private static void formCluster(ActorSystem<?> a, ActorSystem<?> b) {
    Cluster.get(a).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
    Cluster.get(b).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
    TestProbe<Void> probe = TestProbe.create(a);
    probe.awaitAssert(WAIT, () -> {
      assertEquals(2, java.util.stream.StreamSupport.stream(Cluster.get(a).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count());
      return null;
    });
  }

  // Whether the durable list beside a journal names the id (read from the directory, as a restart would).
  private boolean listedBehind(String journal, String pid) {
    return Files.exists(JournalBehind.besideJournal(dir.resolve(journal)).resolve(JournalBehind.fileName(pid)));
  }

  // Until b's journal holds events 1..n of pid with no gap and a's list no longer names pid.
  private void awaitCaughtUp(TestProbe<Void> probe, String pid, long n) {
    probe.awaitAssert(WAIT, () -> {
      JournalStore replica = JournalStore.acquire(dir.resolve("b"));
      try {
        assertEquals(n, replica.highest(pid));
        assertEquals(n, replica.read(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE).size(), "no gap on the replica");
      } finally {
        replica.release();
      }
      assertFalse(listedBehind("a", pid), "the record is gone once the replica has every event");
      return null;
    });
  }

  @Test
  void everyWriteIsOnTheReplicaWhenPersistCompletesAndAMissedStretchIsSentOnTheNextWrite() throws Exception {
    ActorSystem<String> a = system("a", true, NO_CATCH_UP);
    ActorSystem<String> b = system("b", true, NO_CATCH_UP);
    formCluster(a, b);
    TestProbe<Void> probe = TestProbe.create(a);
    ActorRef<Notes.Command> notes = spawn(a, new Notes(PID), "notes");

    // b has no receiver yet: the write completes on a's copy only (degraded), it is not refused.
    long degradedBefore = ReplicationCounters.degradedJournalWrites();
    add(a, notes, "while the replica was away");
    assertEquals(degradedBefore + 1, ReplicationCounters.degradedJournalWrites());
    assertTrue(listedBehind("a", PID), "the degraded write is recorded durably");

    b.tell("start-receiver");
    probe.awaitAssert(WAIT, () -> {
      add(a, notes, "after it returned " + System.nanoTime());
      JournalStore replica = JournalStore.acquire(dir.resolve("b"));
      try {
        long highest = replica.highest(PID);
        assertTrue(highest >= 2, "replica highest " + highest);
        assertEquals(highest, replica.read(PID, 1, Long.MAX_VALUE, Long.MAX_VALUE).size(), "no gap on the replica");
      } finally {
        replica.release();
      }
      return null;
    });
    assertFalse(listedBehind("a", PID), "the write that reached the replica removed the record");
  }

  @Test
  void eventsWrittenWhileTheReplicaWasAwayReachItWhenItReturnsWithoutAnotherWrite() throws Exception {
    String pid = "Mailbox|dave@example.org:INBOX";
    ActorSystem<String> a = system("a", true);
    ActorSystem<String> b = system("b", true);
    formCluster(a, b);
    ActorRef<Notes.Command> notes = spawn(a, new Notes(pid), "notes");

    // b has no receiver: every write completes on a's copy only, and background runs find no one to answer.
    long degradedBefore = ReplicationCounters.degradedJournalWrites();
    for (String text : List.of("one", "two", "three")) {
      add(a, notes, text);
    }
    assertTrue(ReplicationCounters.degradedJournalWrites() >= degradedBefore + 3);
    assertTrue(listedBehind("a", pid), "the degraded writes are recorded durably");
    assertTrue(ReplicationCounters.journalBehindByReplica().containsKey(
        "127.0.0.1:" + Cluster.get(b).selfMember().address().getPort().orElse(0)), "shown as lag of the replica");

    b.tell("start-receiver");
    TestProbe<Void> probe = TestProbe.create(a);
    awaitCaughtUp(probe, pid, 3);
    assertEquals(List.of("one", "two", "three"), read(a, notes), "no write since the replica returned");
  }

  @Test
  void theBackgroundCatchUpNeverOverwritesEventsAReplicaWroteWithoutIt() throws Exception {
    String pid = "Mailbox|frank@example.org:INBOX";
    ActorSystem<String> a = system("a", true);
    ActorSystem<String> b = system("b", true);
    formCluster(a, b);
    add(a, spawn(a, new Notes(pid), "notes"), "written on a alone");
    assertTrue(listedBehind("a", pid));

    // Meanwhile b took the id over while a was away, without a's event, and wrote its own events 1 and 2.
    List<JournalStore.Entry> own = List.of(
        new JournalStore.Entry(1, "b's own first event".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        new JournalStore.Entry(2, "b's own second event".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    JournalStore theirs = JournalStore.acquire(dir.resolve("b"));
    try {
      theirs.write(pid, own);
    } finally {
      theirs.release();
    }
    b.tell("start-receiver");
    TestProbe<Void> probe = TestProbe.create(a);
    probe.awaitAssert(WAIT, () -> {
      assertFalse(listedBehind("a", pid), "nothing left for the replica to get");
      return null;
    });
    JournalStore replica = JournalStore.acquire(dir.resolve("b"));
    try {
      List<JournalStore.Entry> held = replica.read(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
      assertEquals(2, held.size());
      for (int i = 0; i < own.size(); i++) {
        assertTrue(java.util.Arrays.equals(own.get(i).bytes(), held.get(i).bytes()), "b's event " + (i + 1) + " kept");
      }
    } finally {
      replica.release();
    }
  }

  @Test
  void writesMadeWhileTheOtherOfTwoStoreNodesIsGoneAreListedAndReachItWhenItJoinsAgain() throws Exception {
    String pid = "Mailbox|gina@example.org:INBOX";
    ActorSystem<String> a = system("a", true);
    ActorSystem<String> b = system("b", true);
    formCluster(a, b);
    b.tell("start-receiver");
    ActorRef<Notes.Command> notes = spawn(a, new Notes(pid), "notes");
    add(a, notes, "while both were up");
    assertFalse(listedBehind("a", pid), "written on both copies");

    // b leaves the cluster and stops: a is the only store node, which is no reason to refuse mail, but what it
    // writes now lacks its second copy.
    Cluster.get(b).manager().tell(Leave.create(Cluster.get(b).selfMember().address()));
    TestProbe<Void> probe = TestProbe.create(a);
    probe.awaitAssert(WAIT, () -> {
      assertEquals(1, java.util.stream.StreamSupport.stream(Cluster.get(a).state().getMembers().spliterator(), false)
          .count());
      return null;
    });
    b.terminate();
    b.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    long degradedBefore = ReplicationCounters.degradedJournalWrites();
    add(a, notes, "while b was gone");
    assertEquals(degradedBefore + 1, ReplicationCounters.degradedJournalWrites());
    assertTrue(listedBehind("a", pid), "the one-copy write is recorded durably");

    // b starts again on its old data and joins; the background catch-up sends it the event, without a new write.
    ActorSystem<String> back = system("b", true);
    Cluster.get(back).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
    back.tell("start-receiver");
    awaitCaughtUp(probe, pid, 2);
  }

  @Test
  void aNodeThatNeverSawAnotherStoreNodeListsNothing() throws Exception {
    String pid = "Mailbox|hal@example.org:INBOX";
    ActorSystem<String> a = system("a", true);
    Cluster.get(a).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
    long degradedBefore = ReplicationCounters.degradedJournalWrites();
    ActorRef<Notes.Command> notes = spawn(a, new Notes(pid), "notes");
    add(a, notes, "on a single node");
    assertEquals(List.of("on a single node"), read(a, notes));
    assertEquals(degradedBefore, ReplicationCounters.degradedJournalWrites());
    assertFalse(listedBehind("a", pid));
  }

  @Test
  void theIdsWhoseReplicaLagsAreShownAgainAfterARestart() throws Exception {
    String pid = "Mailbox|erin@example.org:INBOX";
    String replica = "127.0.0.9:1";
    new JournalBehind(JournalBehind.besideJournal(dir.resolve("restarted"))).add(pid, replica);
    try {
      ActorSystem<String> s = system("restarted", false);
      // The journal starts with the first entity.
      assertEquals(List.of(), read(s, spawn(s, new Notes(PID), "notes")));
      assertEquals(1L, ReplicationCounters.journalBehindByReplica().get(replica));
    } finally {
      ReplicationCounters.journalReplicaCaughtUp(pid);
    }
  }
}
