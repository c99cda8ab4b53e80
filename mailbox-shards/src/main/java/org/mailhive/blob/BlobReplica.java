package org.mailhive.blob;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import org.mailhive.journal.ReplicationCounters;
import org.mailhive.shard.ReplicaNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second copy of a body: the {@link BlobEntity} of a shard's primary sends every body it stores to the
 * receiver at {@value #PATH} on the shard's replica node ({@link ReplicaNodes}), which is a plain BlobEntity
 * storing into that node's {@link BlobStore}, and replies Stored only after both copies are synced. With no other
 * store node, one copy is all there is; when the replica does not answer within the timeout the body is kept on
 * one copy and {@code degraded_write kind=blob} is logged and counted.
 */
public final class BlobReplica {
  private static final Logger LOG = LoggerFactory.getLogger(BlobReplica.class);
  public static final String NAME = "blob-replica";
  public static final String PATH = "/user/" + NAME;

  private final ActorSystem<?> system;
  private final ReplicaNodes replicas;
  private final Duration timeout;
  private final int chunkSize;

  public BlobReplica(ActorSystem<?> system, Duration timeout, int chunkSize) {
    this.system = system;
    this.replicas = new ReplicaNodes(Cluster.get(Adapter.toClassic(system)));
    this.timeout = timeout;
    this.chunkSize = chunkSize;
  }

  /** Completes when the replica has the body, or when it is degraded (logged); never fails. */
  public CompletionStage<Void> copy(String shardId, String blobId, ByteString body) {
    Optional<Address> node = replicas.replicaOf(shardId);
    if (node.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return Adapter.toClassic(system).actorSelection(node.get() + PATH).resolveOne(timeout)
        .thenCompose(classic -> {
          ActorRef<BlobProtocol.Command> receiver = Adapter.toTyped(classic);
          return AskPattern.<BlobProtocol.Command, BlobProtocol.PutReply>ask(receiver,
              replyTo -> new BlobProtocol.Put(blobId, body.size(),
                  Source.from(BodyChunks.of(body, chunkSize)).runWith(StreamRefs.sourceRef(), system), replyTo),
              timeout, system.scheduler());
        })
        .handle((reply, failure) -> {
          if (!(reply instanceof BlobProtocol.Stored)) {
            ReplicationCounters.blobWriteDegraded();
            LOG.warn("degraded_write kind=blob blob={} shard={} replica={} reason=\"{}\"", blobId, shardId, node.get(),
                failure != null ? reasonOf(failure) : String.valueOf(reply));
          }
          return null;
        });
  }

  // The ask's own exception (AskTimeoutException, ActorNotFound), not the CompletionException around it.
  static String reasonOf(Throwable failure) {
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return t.getClass().getSimpleName();
  }
}
