package org.mailhive.node;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.mailhive.net.LiveConnections;
import org.mailhive.net.SessionEnd;
import org.mailhive.net.TcpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's part of Pekko's coordinated shutdown, which SIGTERM (see {@link Main}) and {@link Node#close()} run.
 * The phases run in this order, each after the previous one finished:
 * <ol>
 *   <li>{@code service-unbind}: every listener stops accepting, so a balancer's next try goes to another node;</li>
 *   <li>{@code service-requests-done}: every session ends after its command in flight ({@link SessionEnd}
 *       {@code NODE_SHUTDOWN}), bounded by {@code mailhive.node.drain-timeout};</li>
 *   <li>{@code service-stop}: the admin HTTP server closes;</li>
 *   <li>Pekko's own: {@code cluster-sharding-shutdown-region} hands this node's shards to other store nodes
 *       (their entities stop here after their last write, and the coordinator starts them elsewhere), then
 *       {@code cluster-leave} and {@code cluster-exiting};</li>
 *   <li>{@code actor-system-terminate}: the journal plugin, replica receiver and blob store stop last, so every
 *       write a handed-off entity made is in the journal before it closes.</li>
 * </ol>
 */
final class GracefulShutdown {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
  /** After the drain timeout the goodbyes go out regardless; this is for them to be written and the sockets closed. */
  static final Duration CLOSE_MARGIN = Duration.ofSeconds(3);

  /** Why a node stops on SIGTERM, in Pekko's shutdown log line. */
  enum SigTerm implements CoordinatedShutdown.Reason { INSTANCE }

  private GracefulShutdown() {}

  /** Registers the unbind and drain tasks; {@code listeners} may still be filled in as listeners start. */
  static void register(ActorSystem<?> system, List<ActorRef<TcpListener.Command>> listeners, Duration drainTimeout) {
    CoordinatedShutdown cs = CoordinatedShutdown.get(system);
    cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "mailhive-unbind", () -> unbind(listeners));
    cs.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "mailhive-drain", () -> drain(system, drainTimeout));
  }

  /** Closes {@code resource} in {@code service-stop}, after the sessions have ended. */
  static void closeInServiceStop(ActorSystem<?> system, String name, AutoCloseable resource) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), name, () -> {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("shutdown_close_failed resource={}", name, e);
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  private static CompletionStage<Done> unbind(List<ActorRef<TcpListener.Command>> listeners) {
    CompletableFuture<?>[] all = listeners.stream().map(l -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      l.tell(new TcpListener.Unbind(done));
      return done;
    }).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all).thenApply(v -> Done.getInstance());
  }

  private static CompletionStage<Done> drain(ActorSystem<?> system, Duration drainTimeout) {
    LiveConnections live = LiveConnections.of(system);
    int asked = live.endAll(SessionEnd.NODE_SHUTDOWN, drainTimeout);
    LOG.info("node_draining connections={} timeout_ms={}", asked, drainTimeout.toMillis());
    long started = System.nanoTime();
    return live.whenAllClosed().toCompletableFuture()
        .orTimeout(drainTimeout.plus(CLOSE_MARGIN).toMillis(), TimeUnit.MILLISECONDS)
        .handle((v, ex) -> {
          LOG.info("node_drained open={} duration_ms={}", live.count(),
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
          return Done.getInstance();
        });
  }
}
