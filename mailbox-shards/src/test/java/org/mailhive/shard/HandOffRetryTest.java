package org.mailhive.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link HandOffRetry} on a one-node cluster with a real shard region: an entity that loses the first request it
 * gets stands for a shard whose old home died with the request.
 */
class HandOffRetryTest {
  private static final ActorTestKit TESTKIT = ActorTestKit.create(ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.enabled = off
      """).withFallback(ConfigFactory.load()));
  private static final EntityTypeKey<Ping> KEY = EntityTypeKey.create(Ping.class, "HandOffRetryTest");
  private static final EntityTypeKey<Ping> NOT_BY_USER = EntityTypeKey.create(Ping.class, "HandOffRetryTestQueue");
  private static final Duration LONG = Duration.ofSeconds(20);

  /** A request; the entity answers with its text, except the first request it ever gets, which it drops. */
  record Ping(String text, ActorRef<String> replyTo) {}

  private static Behavior<Ping> losesItsFirstRequest() {
    return Behaviors.setup(ctx -> {
      boolean[] first = {true};
      return Behaviors.receive(Ping.class).onMessage(Ping.class, p -> {
        if (first[0]) {
          first[0] = false;
        } else {
          p.replyTo().tell(p.text());
        }
        return Behaviors.same();
      }).build();
    });
  }

  private static ClusterSharding sharding;

  @BeforeAll
  static void joinItself() throws Exception {
    Cluster cluster = Cluster.get(TESTKIT.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (cluster.selfMember().status() != MemberStatus.up() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(MemberStatus.up(), cluster.selfMember().status());
    sharding = ClusterSharding.get(TESTKIT.system());
    sharding.init(Entity.of(KEY, ctx -> losesItsFirstRequest()));
    sharding.init(Entity.of(NOT_BY_USER, ctx -> losesItsFirstRequest()));
  }

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  @Test
  void aLostRequestIsAnsweredOnceItIsSentAgainAndNotBefore() throws Exception {
    HandOffRetry retry = HandOffRetry.get(TESTKIT.system());
    CompletableFuture<String> answer = retry.<Ping, String>ask(sharding.entityRefFor(KEY, "lost"),
        r -> new Ping("hello", r), LONG).toCompletableFuture();
    // The region answers from the same node; a second is long enough to see that nothing comes.
    Thread.sleep(1000);
    assertFalse(answer.isDone(), "the dropped request was answered");
    assertTrue(retry.waiting() >= 1);

    assertEquals(1, retry.resendSentBefore(System.nanoTime()));
    assertEquals("hello", answer.get(LONG.toSeconds(), TimeUnit.SECONDS));
    assertEquals(0, retry.waiting(), "an answered request is forgotten");
  }

  @Test
  void requestsSentAfterTheRemovalAreNotSentAgain() throws Exception {
    HandOffRetry retry = HandOffRetry.get(TESTKIT.system());
    long removed = System.nanoTime();
    CompletableFuture<String> answer = retry.<Ping, String>ask(sharding.entityRefFor(KEY, "later"),
        r -> new Ping("late", r), LONG).toCompletableFuture();
    assertEquals(0, retry.resendSentBefore(removed));
    assertEquals(1, retry.resendSentBefore(System.nanoTime()));
    assertEquals("late", answer.get(LONG.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void theUsersOfWaitingRequestsHaveTheirEntitiesStartedAtTheHandOff() throws Exception {
    HandOffRetry retry = HandOffRetry.get(TESTKIT.system());
    Set<String> started = ConcurrentHashMap.newKeySet();
    retry.startOnHandOff(Set.of(KEY), started::add);
    CompletableFuture<String> mailbox = retry.<Ping, String>ask(sharding.entityRefFor(KEY, "carol@example.org:Drafts"),
        r -> new Ping("drafts", r), LONG).toCompletableFuture();
    CompletableFuture<String> queue = retry.<Ping, String>ask(sharding.entityRefFor(NOT_BY_USER, "queue-7"),
        r -> new Ping("queued", r), LONG).toCompletableFuture();
    Thread.sleep(1000);
    assertEquals(Set.of(), started, "nothing is started before a hand-off");

    assertEquals(2, retry.resendSentBefore(System.nanoTime()));
    assertEquals(Set.of("carol@example.org"), started, "the user of the mailbox; a queue id is not a user");
    assertEquals("drafts", mailbox.get(LONG.toSeconds(), TimeUnit.SECONDS));
    assertEquals("queued", queue.get(LONG.toSeconds(), TimeUnit.SECONDS));
  }
}
