package org.mailhive.node;

import java.util.concurrent.ForkJoinPool;

/**
 * The JDK's common pool runs the callbacks of every future Pekko hands us: Scala's future converters turn
 * {@code thenApply}, {@code handle} and the like into their async forms. With one CPU's worth of parallelism (the
 * default on a 2-core machine: cores - 1), {@link java.util.concurrent.CompletableFuture} gives up on the pool and
 * starts a new OS thread for every such callback — 45,000 threads in a 250 s IMAP bench run, and 2.7 times fewer
 * commands per second (bench/RESULTS.md, 2026-11-26). So the node asks for at least two threads, before anything
 * touches the pool; an operator's own {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism} wins.
 */
final class CommonPool {
  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPool() {}

  /** Must run before the first use of the common pool (its size is read once, when the class is initialised). */
  static void atLeastTwoThreads() {
    if (System.getProperty(PARALLELISM) == null) {
      int wanted = Math.max(2, Runtime.getRuntime().availableProcessors() - 1);
      System.setProperty(PARALLELISM, String.valueOf(wanted));
    }
  }

  static int parallelism() {
    return ForkJoinPool.getCommonPoolParallelism();
  }
}
