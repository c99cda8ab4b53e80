package org.mailhive.bench.scenario;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of a run: a few NIO.2 I/O threads shared by all connections, one pool where each client's loop
 * continues (a hop per command keeps stacks flat however fast replies come), and a timer for delays. Thread
 * counts follow the cores, not the connections.
 */
public final class IoRuntime implements AutoCloseable {
  final AsynchronousChannelGroup group;
  final ExecutorService loop;
  final ScheduledExecutorService timer;

  public IoRuntime() throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    group = AsynchronousChannelGroup.withFixedThreadPool(Math.max(2, cores), daemon("bench-io"));
    loop = Executors.newFixedThreadPool(Math.max(2, cores), daemon("bench-loop"));
    timer = Executors.newSingleThreadScheduledExecutor(daemon("bench-timer"));
  }

  public AsynchronousChannelGroup group() {
    return group;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
    loop.shutdownNow();
    group.shutdown();
    try {
      if (!group.awaitTermination(5, TimeUnit.SECONDS)) {
        group.shutdownNow();
      }
    } catch (InterruptedException | IOException e) {
      Thread.currentThread().interrupt();
    }
  }
}
