package org.mailhive.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node started as a child process from the runnable jar, as an admin would start it. Ports are chosen by the
 * OS and read back from the node's "mailhive_ready" log line.
 */
final class NodeProcess implements AutoCloseable {
  private static final Pattern PORT =
      Pattern.compile("\\b(smtp|submission|submissions|lmtp|imap|imaps|pop3|pop3s|admin)=(\\d+)");
  // Generous: three JVMs starting at once on a 2-core CI machine under a full build take well over a minute.
  private static final long START_TIMEOUT_S = 240;

  final Process process;
  final Path log;
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();
  private final List<String> lines = new ArrayList<>();

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static NodeProcess start(Path dataDir, Path log) throws Exception {
    return start(dataDir, log, List.of());
  }

  /** With extra JVM arguments after the defaults ({@code -Dmailhive.…}; on the java command line the last wins). */
  static NodeProcess start(Path dataDir, Path log, List<String> extraJvmArgs) throws Exception {
    Path jar = Path.of("target", "mailhive-node.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing; run mvn package first");
    }
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m",
        "-Dmailhive.node.data-dir=" + dataDir,
        "-Dmailhive.cluster.port=0", "-Dmailhive.smtp.port=0", "-Dmailhive.smtp.submission-port=0",
        "-Dmailhive.smtp.submissions-port=0", "-Dmailhive.lmtp.port=0", "-Dmailhive.imap.port=0",
        "-Dmailhive.imap.tls-port=0", "-Dmailhive.pop3.port=0", "-Dmailhive.pop3.tls-port=0",
        "-Dmailhive.admin.http-port=0"));
    cmd.addAll(extraJvmArgs);
    cmd.addAll(List.of("-jar", jar.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    NodeProcess node = new NodeProcess(p, log);
    CountDownLatch ready = new CountDownLatch(1);
    Thread pump = new Thread(() -> node.pump(ready), "node-log-pump");
    pump.setDaemon(true);
    pump.start();
    if (!ready.await(START_TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("node did not become ready; see " + log);
    }
    return node;
  }

  private void pump(CountDownLatch ready) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
        if (line.contains("mailhive_ready")) {
          Matcher m = PORT.matcher(line);
          while (m.find()) {
            ports.put(m.group(1), Integer.parseInt(m.group(2)));
          }
          ready.countDown();
        }
      }
    } catch (IOException e) {
      // the process ended; the test sees that through its own checks
    }
  }

  /** Waits until the node has logged a line containing {@code text}; false on timeout or when the node ended. */
  boolean awaitLog(String text, java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (true) {
        if (lines.stream().anyMatch(l -> l.contains(text))) {
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
          return false;
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1000)));
      }
    }
  }

  /** Waits until at least {@code count} lines contain {@code text}; false on timeout or when the node ended. */
  boolean awaitLogCount(String text, int count, java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      while (true) {
        if (lines.stream().filter(l -> l.contains(text)).count() >= count) {
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
          return false;
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1000)));
      }
    }
  }

  /** The lines logged so far that contain {@code text}. */
  List<String> logLines(String text) {
    synchronized (lines) {
      return lines.stream().filter(l -> l.contains(text)).toList();
    }
  }

  /**
   * SIGSTOP: the process freezes (no heartbeats, no replies, sockets stay open), as a node behind a network
   * partition looks to the others; {@link #resume()} (SIGCONT) lets it run on from where it was.
   */
  /** The last {@code n} lines of the node's log, for a failure message (CI keeps no log files). */
  String logTail(int n) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return "(log not readable: " + e + ")";
    }
  }

  void pause() throws Exception {
    signal("STOP");
  }

  void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  int port(String proto) {
    return ports.get(proto);
  }

  /**
   * SIGTERM, as a service manager stops a node; unlike {@link Process#destroy()} this keeps reading the node's
   * output, so {@link #awaitLog} sees what it logs while it shuts down.
   */
  void sigterm() {
    process.toHandle().destroy();
  }

  /** SIGKILL: no shutdown hooks, no flushing; only what was already durable survives. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
