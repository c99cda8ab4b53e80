package org.mailhive.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobEntityTest {
  private static final ActorTestKit TESTKIT = ActorTestKit.create();
  private static final int CHUNK = 4096;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  private static ByteString body(int size) {
    StringBuilder b = new StringBuilder(size);
    for (int i = 0; b.length() < size; i++) {
      b.append("line ").append(i).append("\r\n");
    }
    return ByteString.fromString(b.substring(0, size), StandardCharsets.US_ASCII);
  }

  private static BlobProtocol.PutReply put(ActorRef<BlobProtocol.Command> entity, String id, long size, ByteString bytes) {
    TestProbe<BlobProtocol.PutReply> probe = TESTKIT.createTestProbe();
    var ref = Source.from(BodyChunks.of(bytes, CHUNK)).runWith(StreamRefs.<ByteString>sourceRef(), TESTKIT.system());
    entity.tell(new BlobProtocol.Put(id, size, ref, probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void aBodyOfManyChunksIsStoredDurablyAndStreamedBackWhole() throws Exception {
    BlobStore store = new BlobStore(dir, Runnable::run);
    ActorRef<BlobProtocol.Command> entity = TESTKIT.spawn(BlobEntity.create(store, CHUNK));
    ByteString bytes = body(10 * CHUNK + 17);
    BlobId id = BlobStore.idOf(bytes);

    assertEquals(new BlobProtocol.Stored(id.hex()), put(entity, id.hex(), bytes.size(), bytes));
    assertTrue(store.contains(id));

    TestProbe<BlobProtocol.GetReply> probe = TESTKIT.createTestProbe();
    entity.tell(new BlobProtocol.Get(id.hex(), probe.getRef()));
    BlobProtocol.Body reply = assertInstanceOf(BlobProtocol.Body.class, probe.receiveMessage(WAIT));
    assertEquals(bytes.size(), reply.size());
    ByteString back = reply.body().getSource()
        .runWith(Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat), TESTKIT.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(bytes, back);
  }

  @Test
  void aBodyWhoseDigestDoesNotMatchItsNameIsNotStored() {
    BlobStore store = new BlobStore(dir, Runnable::run);
    ActorRef<BlobProtocol.Command> entity = TESTKIT.spawn(BlobEntity.create(store, CHUNK));
    ByteString bytes = body(1000);
    String claimed = "0".repeat(64);
    assertInstanceOf(BlobProtocol.NotStored.class, put(entity, claimed, bytes.size(), bytes));
    assertFalse(store.contains(new BlobId(claimed)));
  }

  @Test
  void aBodyLongerOrShorterThanAnnouncedIsNotStored() {
    BlobStore store = new BlobStore(dir, Runnable::run);
    ActorRef<BlobProtocol.Command> entity = TESTKIT.spawn(BlobEntity.create(store, CHUNK));
    ByteString bytes = body(3 * CHUNK);
    BlobId id = BlobStore.idOf(bytes);
    assertInstanceOf(BlobProtocol.NotStored.class, put(entity, id.hex(), bytes.size() - 1, bytes));
    assertInstanceOf(BlobProtocol.NotStored.class, put(entity, id.hex(), bytes.size() + 1, bytes));
    assertFalse(store.contains(id));
  }

  @Test
  void aMissingBodyIsReportedAsMissing() {
    BlobStore store = new BlobStore(dir, Runnable::run);
    ActorRef<BlobProtocol.Command> entity = TESTKIT.spawn(BlobEntity.create(store, CHUNK));
    TestProbe<BlobProtocol.GetReply> probe = TESTKIT.createTestProbe();
    entity.tell(new BlobProtocol.Get("b".repeat(64), probe.getRef()));
    assertEquals(new BlobProtocol.Missing("b".repeat(64)), probe.receiveMessage(WAIT));
  }

  @Test
  void chunksAreNeverLargerThanAskedAndCoverTheBody() {
    ByteString bytes = body(2 * CHUNK + 1);
    List<ByteString> chunks = BodyChunks.of(bytes, CHUNK);
    assertEquals(List.of(CHUNK, CHUNK, 1), chunks.stream().map(ByteString::size).toList());
    assertEquals(bytes, chunks.stream().reduce(ByteString.emptyByteString(), ByteString::concat));
    assertEquals(List.of(), BodyChunks.of(ByteString.emptyByteString(), CHUNK));
  }
}
