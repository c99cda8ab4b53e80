package org.mailhive.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read repair and the background catch-up of bodies between two clustered actor systems in this JVM on 127.0.0.1,
 * each with its own {@link BlobStore} and, when told, its replica receiver at {@value BlobReplica#PATH}, as Node
 * starts it.
 */
class BlobReplicaTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int CHUNK = 4096;
  private static final String SHARD = "7";

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

  private ActorSystem<String> system(String name) {
    Config c = ConfigFactory.parseMap(Map.of(
            "pekko.actor.provider", "cluster",
            "pekko.remote.artery.canonical.hostname", "127.0.0.1",
            "pekko.remote.artery.canonical.port", 0,
            "pekko.cluster.roles", List.of("store")))
        .withFallback(ConfigFactory.load());
    BlobStore store = store(name);
    ActorSystem<String> s = ActorSystem.create(Behaviors.receive(String.class)
        .onMessageEquals("start-receiver", () -> Behaviors.setup(ctx -> {
          ctx.spawn(BlobEntity.create(store, CHUNK), BlobReplica.NAME);
          return Behaviors.empty();
        }))
        .build(), "mailhive", c);
    systems.add(s);
    return s;
  }

  private BlobStore store(String name) {
    return new BlobStore(dir.resolve(name).resolve("blobs"), Runnable::run);
  }

  private static void join(ActorSystem<?> a, ActorSystem<?> b) {
    Cluster.get(a).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
    Cluster.get(b).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
    TestProbe<Void> probe = TestProbe.create(a);
    probe.awaitAssert(WAIT, () -> {
      assertEquals(2, java.util.stream.StreamSupport.stream(Cluster.get(a).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count());
      return null;
    });
  }

  private BlobReplica replica(ActorSystem<?> s, String name, Duration timeout) {
    return new BlobReplica(s, timeout, CHUNK, new PendingCopies(dir.resolve(name).resolve("pending")),
        Duration.ofSeconds(5), Runnable::run);
  }

  private static ByteString body(String text) {
    return ByteString.fromString(text.repeat(3000), StandardCharsets.US_ASCII);
  }

  private static BlobProtocol.GetReply get(ActorSystem<?> s, ActorRef<BlobProtocol.Command> entity, BlobId id) {
    TestProbe<BlobProtocol.GetReply> probe = TestProbe.create(s);
    entity.tell(new BlobProtocol.Get(id.hex(), probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private static ByteString read(ActorSystem<?> s, BlobProtocol.Body body) throws Exception {
    return body.body().getSource()
        .runWith(Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat), s)
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aBodyMissingHereIsFetchedFromTheOtherStoreNodeKeptAndServed() throws Exception {
    ActorSystem<String> a = system("a");
    ActorSystem<String> b = system("b");
    join(a, b);
    b.tell("start-receiver");
    ByteString bytes = body("written while a was away\r\n");
    BlobId id = store("b").put(bytes).toCompletableFuture().get(10, TimeUnit.SECONDS);
    BlobStore storeA = store("a");
    assertFalse(storeA.contains(id));

    ActorRef<BlobProtocol.Command> entity = a.systemActorOf(
        BlobEntity.create(storeA, CHUNK, replica(a, "a", Duration.ofSeconds(2)), SHARD), "alice", Props.empty());
    BlobProtocol.Body served = assertInstanceOf(BlobProtocol.Body.class, get(a, entity, id));

    assertEquals(bytes, read(a, served));
    assertTrue(storeA.contains(id), "the repaired body is kept on a");
    assertEquals(bytes, storeA.get(id).toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  @Test
  void aBodyThatNoNodeHasStaysMissing() {
    ActorSystem<String> a = system("a");
    ActorSystem<String> b = system("b");
    join(a, b);
    b.tell("start-receiver");
    BlobId id = BlobStore.idOf(body("never stored\r\n"));

    ActorRef<BlobProtocol.Command> entity = a.systemActorOf(
        BlobEntity.create(store("a"), CHUNK, replica(a, "a", Duration.ofSeconds(2)), SHARD), "alice", Props.empty());

    assertEquals(new BlobProtocol.Missing(id.hex()), get(a, entity, id));
  }

  @Test
  void aBodyStoredWhileTheReplicaDidNotAnswerIsPendingAndSentOnceItAnswers() throws Exception {
    ActorSystem<String> a = system("a");
    ActorSystem<String> b = system("b");
    join(a, b);
    BlobStore storeA = store("a");
    BlobStore storeB = store("b");
    BlobReplica replica = replica(a, "a", Duration.ofSeconds(1));
    ActorRef<BlobProtocol.Command> entity = a.systemActorOf(
        BlobEntity.create(storeA, CHUNK, replica, SHARD), "alice", Props.empty());
    ByteString bytes = body("delivered while b had no receiver\r\n");
    BlobId id = BlobStore.idOf(bytes);

    // b is up but has no receiver: the put completes on a's copy only and is recorded as pending.
    TestProbe<BlobProtocol.PutReply> stored = TestProbe.create(a);
    entity.tell(new BlobProtocol.Put(id.hex(), bytes.size(),
        Source.from(BodyChunks.of(bytes, CHUNK)).runWith(StreamRefs.<ByteString>sourceRef(), a), stored.getRef()));
    assertEquals(new BlobProtocol.Stored(id.hex()), stored.receiveMessage(WAIT));
    assertEquals(1, replica.pending().count());
    assertFalse(storeB.contains(id));

    b.tell("start-receiver");
    a.systemActorOf(BlobCatchUp.create(storeA, replica, Runnable::run, Duration.ofMillis(200), 10, 2),
        "blob-catchup", Props.empty());

    TestProbe<Void> probe = TestProbe.create(a);
    probe.awaitAssert(WAIT, () -> {
      assertTrue(storeB.contains(id), "the catch-up put the body on b");
      assertEquals(0, replica.pending().count());
      return null;
    });
    assertEquals(List.of(), new PendingCopies(dir.resolve("a").resolve("pending")).list(10));
  }
}
