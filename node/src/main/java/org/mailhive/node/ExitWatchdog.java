package org.mailhive.node;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the node's process when its shutdown has run but the actor system does not finish terminating. A node the
 * Split Brain Resolver downed must exit so that its service manager starts it again; SplitBrainIT saw a downed
 * node whose last shutdown phase timed out keep its JVM alive. Before it halts the JVM it logs the stacks of all
 * threads ({@code node_exit_forced}), so the actor that did not stop can be found.
 */
final class ExitWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(ExitWatchdog.class);

  private ExitWatchdog() {}

  /** Armed when the shutdown reaches its last phase; halts with status 1 if the system is not gone by then. */
  static void register(ActorSystem<?> system, Duration grace) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "mailhive-exit-watchdog", () -> {
          Thread watchdog = new Thread(() -> awaitOrHalt(system, grace), "mailhive-exit-watchdog");
          watchdog.setDaemon(true);
          watchdog.start();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }

  private static void awaitOrHalt(ActorSystem<?> system, Duration grace) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      StringBuilder stacks = new StringBuilder();
      for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
        stacks.append("\n\"").append(t.getKey().getName()).append("\" ").append(t.getKey().getState());
        for (StackTraceElement frame : t.getValue()) {
          stacks.append("\n    at ").append(frame);
        }
      }
      LOG.error("node_exit_forced reason=actor_system_not_terminated grace_ms={} threads:{}", grace.toMillis(), stacks);
      Runtime.getRuntime().halt(1);
    } catch (Exception e) {
      // terminated with a failure, or interrupted: the main thread exits the JVM either way
    }
  }
}
