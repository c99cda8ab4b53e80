package org.mailhive.blob;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message bodies of one user, on the store node that hosts the user's shard. It is sharded by the same user
 * hash as the user's mailboxes (see {@code UserShardExtractor}) and placed by the same allocation strategy, so it
 * lives where the user's MailboxEntities live: a body written through it is read back through it, whichever edge
 * node received the message and whichever edge node serves the user's IMAP session.
 *
 * <p>It holds no state of its own: the {@link BlobStore} of its node is the state, content-addressed and
 * immutable, so a retried Put is harmless and the entity can be stopped and restarted at any time. On a shard's
 * primary, Stored is replied only once the body is also on the replica node ({@link BlobReplica}). Disk work runs
 * on the blob store's executor; replies are sent from the completion of that work.
 */
public final class BlobEntity {
  private static final Logger LOG = LoggerFactory.getLogger(BlobEntity.class);

  private BlobEntity() {}

  /** The receiver of second copies on a replica node: stores, and copies nowhere. */
  public static Behavior<BlobProtocol.Command> create(BlobStore store, int chunkSize) {
    return create(store, chunkSize, null, null);
  }

  /**
   * @param replica where a stored body is copied before Stored is replied; null for no copy
   * @param shardId the shard of this entity's user, which decides the replica node
   */
  public static Behavior<BlobProtocol.Command> create(BlobStore store, int chunkSize, BlobReplica replica,
                                                      String shardId) {
    return Behaviors.setup(ctx -> Behaviors.receive(BlobProtocol.Command.class)
        .onMessage(BlobProtocol.Put.class, put -> onPut(ctx, store, put, replica, shardId))
        .onMessage(BlobProtocol.Get.class, get -> onGet(ctx, store, chunkSize, get, replica, shardId))
        .build());
  }

  private static Behavior<BlobProtocol.Command> onPut(ActorContext<BlobProtocol.Command> ctx, BlobStore store,
                                                      BlobProtocol.Put put, BlobReplica replica, String shardId) {
    BlobId existing = new BlobId(put.blobId());
    if (store.contains(existing)) {
      // Copied again: the first put may have been degraded (replica down), and a retry is the chance to heal it.
      CompletionStage<Void> copied = replica == null ? CompletableFuture.completedFuture(null)
          : store.get(existing).thenCompose(bytes -> replica.copy(shardId, put.blobId(), bytes));
      copied.whenComplete((v, failure) -> put.replyTo().tell(new BlobProtocol.Stored(put.blobId())));
      return Behaviors.same();
    }
    CompletionStage<ByteString> received = put.body().getSource()
        .limitWeighted(put.size(), b -> (long) b.size())
        .runWith(Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat), ctx.getSystem());
    received.thenCompose(bytes -> {
      if (bytes.size() != put.size()) {
        throw new IllegalStateException("body has " + bytes.size() + " octets, expected " + put.size());
      }
      return store.put(bytes).thenCompose(id -> replica == null || !id.hex().equals(put.blobId())
          ? CompletableFuture.completedFuture(id)
          : replica.copy(shardId, put.blobId(), bytes).thenApply(v -> id));
    }).whenComplete((id, failure) -> {
      if (failure == null && id.hex().equals(put.blobId())) {
        put.replyTo().tell(new BlobProtocol.Stored(put.blobId()));
      } else {
        String detail = failure != null ? failure.toString() : "digest mismatch " + id;
        LOG.warn("blob_put_failed blob={} detail=\"{}\"", put.blobId(), detail);
        put.replyTo().tell(new BlobProtocol.NotStored(put.blobId(), detail));
      }
    });
    return Behaviors.same();
  }

  private static Behavior<BlobProtocol.Command> onGet(ActorContext<BlobProtocol.Command> ctx, BlobStore store,
                                                      int chunkSize, BlobProtocol.Get get, BlobReplica replica,
                                                      String shardId) {
    BlobId id = new BlobId(get.blobId());
    CompletionStage<ByteString> local;
    if (store.contains(id)) {
      local = store.get(id);
    } else if (replica == null) {
      get.replyTo().tell(new BlobProtocol.Missing(get.blobId()));
      return Behaviors.same();
    } else {
      local = repair(store, replica, shardId, id);
    }
    local
        .thenApply(bytes -> new BlobProtocol.Body(get.blobId(), bytes.size(),
            Source.from(BodyChunks.of(bytes, chunkSize)).runWith(StreamRefs.<ByteString>sourceRef(), ctx.getSystem())))
        .whenComplete((body, failure) -> {
          if (failure instanceof java.util.concurrent.CompletionException c && c.getCause() instanceof NotFound) {
            get.replyTo().tell(new BlobProtocol.Missing(get.blobId()));
          } else if (failure != null) {
            LOG.warn("blob_get_failed blob={} detail=\"{}\"", get.blobId(), failure.toString());
            get.replyTo().tell(new BlobProtocol.Missing(get.blobId()));
          } else {
            get.replyTo().tell(body);
          }
        });
    return Behaviors.same();
  }

  /**
   * Read repair: this node hosts the shard but lacks the body, because it was away (or not yet the replica) when
   * the body was written. The other store nodes of the shard's order kept it; fetch it, store it durably here
   * like any put (fsync before use), and serve it. Only the sharded entity repairs; the replica receiver, which
   * answers the fetch, never asks further, so a body nobody has ends in Missing rather than a loop.
   */
  private static CompletionStage<ByteString> repair(BlobStore store, BlobReplica replica, String shardId, BlobId id) {
    return replica.fetch(shardId, id).thenCompose(found -> {
      if (found.isEmpty()) {
        LOG.warn("blob_repair_failed blob={} shard={}", id, shardId);
        throw new NotFound();
      }
      return store.put(found.get()).thenApply(stored -> {
        LOG.info("blob_repaired blob={} shard={} size={}", id, shardId, found.get().size());
        return found.get();
      });
    });
  }

  /** No store node has the body: the reader gets Missing, as before read repair. */
  private static final class NotFound extends RuntimeException {
    NotFound() {
      super("body on no store node", null, false, false);
    }
  }
}
