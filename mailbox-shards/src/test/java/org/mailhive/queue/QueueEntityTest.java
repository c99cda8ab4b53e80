package org.mailhive.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueueEntityTest {
  private static final ActorTestKit TESTKIT = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final String BLOB = "b".repeat(64);
  private static final long T0 = 1_700_000_000_000L;

  private final EventSourcedBehaviorTestKit<QueueProtocol.Command, QueueEvent, QueueState> kit =
      EventSourcedBehaviorTestKit.create(TESTKIT.system(), QueueEntity.create("queue-0"),
          new EventSourcedBehaviorTestKit.SerializationSettings(true, true, true, true, false));

  @BeforeEach
  void clear() {
    kit.clear();
  }

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  private void enqueue(String id, List<String> rcpts) {
    var r = kit.<QueueProtocol.Enqueued>runCommand(replyTo -> new QueueProtocol.Enqueue(
        new QueuedMessage(id, "alice@example.org", rcpts, BLOB, 100, T0, 0, T0, ""), replyTo));
    assertEquals(id, r.reply().entryId());
  }

  private QueueProtocol.Due claim(long now) {
    return kit.<QueueProtocol.Due>runCommand(replyTo -> new QueueProtocol.ClaimDue(now, 60_000, 10, replyTo)).reply();
  }

  @Test
  void aQueuedMessageIsJournaledAndHandedOutOnceWhileLeased() {
    enqueue("m1", List.of("a@remote.test", "b@remote.test"));
    QueueProtocol.Due first = claim(T0);
    assertEquals(1, first.messages().size());
    assertEquals(1, first.queued());
    assertEquals(2, first.recipients());
    assertTrue(claim(T0 + 1).messages().isEmpty(), "leased to the first claimer");
    assertEquals(1, claim(T0 + 60_000).messages().size(), "the lease ran out: another node may take it");
  }

  @Test
  void aDeferredRecipientWaitsAndDeliveredOnesAreNeverHandedOutAgain() {
    enqueue("m1", List.of("a@remote.test", "b@remote.test"));
    claim(T0);
    var r = kit.<QueueProtocol.Recorded>runCommand(replyTo -> new QueueProtocol.RecordAttempt("m1",
        List.of("a@remote.test"), List.of(), List.of("b@remote.test"), T0 + 5_000, "451 4.3.0 later", replyTo));
    assertInstanceOf(QueueEvent.AttemptRecorded.class, r.event());
    assertTrue(claim(T0 + 4_999).messages().isEmpty());
    QueuedMessage again = claim(T0 + 5_000).messages().get(0);
    assertEquals(List.of("b@remote.test"), again.recipients());
    assertEquals(1, again.attempts());
  }

  @Test
  void aMessageWithEveryRecipientDoneLeavesTheQueueAndStaysGoneAfterRestart() {
    enqueue("m1", List.of("a@remote.test"));
    enqueue("m2", List.of("c@remote.test"));
    claim(T0);
    kit.<QueueProtocol.Recorded>runCommand(replyTo -> new QueueProtocol.RecordAttempt("m1", List.of(),
        List.of("a@remote.test"), List.of(), 0, "550 5.1.1 unknown", replyTo));
    kit.restart();
    assertEquals(1, kit.getState().size());
    assertEquals("m2", kit.getState().messages().iterator().next().entryId());
    assertEquals(1, claim(T0).messages().size(), "leases are not persisted: after a restart m2 is due again");
  }

  @Test
  void aRetriedEnqueueIsNotQueuedTwice() {
    enqueue("m1", List.of("a@remote.test"));
    var again = kit.<QueueProtocol.Enqueued>runCommand(replyTo -> new QueueProtocol.Enqueue(
        new QueuedMessage("m1", "alice@example.org", List.of("a@remote.test"), BLOB, 100, T0, 0, T0, ""), replyTo));
    assertTrue(again.hasNoEvents());
    assertEquals(1, kit.getState().size());
  }
}
