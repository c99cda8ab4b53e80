package org.mailhive.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our node as a child process from ../node/target/mailhive-node.jar, the way an admin starts it. bench depends on
 * no Mailhive module, so it uses the jar the reactor built before it (node precedes bench in the parent's module
 * list); ports are chosen by the OS and read from the "mailhive_ready" line.
 */
final class NodeUnderTest implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("(smtp|imap|imaps|pop3)=(\\d+)");
  private static final long START_TIMEOUT_S = 90;

  private final Process process;
  private final Path dataDir;
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();

  private NodeUnderTest(Process process, Path dataDir) {
    this.process = process;
    this.dataDir = dataDir;
  }

  static NodeUnderTest start(Path dataDir) throws Exception {
    Path jar = Path.of("..", "node", "target", "mailhive-node.jar").toAbsolutePath().normalize();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build node first (mvn verify from the root builds it)");
    }
    Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    Process p = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-Dmailhive.node.data-dir=" + dataDir, "-Dmailhive.cluster.port=0", "-Dmailhive.smtp.port=0",
        "-Dmailhive.imap.port=0", "-Dmailhive.imap.tls-port=0",
        // every other listener on an OS-chosen port too, so a test never collides with a running node
        "-Dmailhive.smtp.submission-port=0", "-Dmailhive.smtp.submissions-port=0", "-Dmailhive.lmtp.port=0",
        "-Dmailhive.pop3.port=0", "-Dmailhive.pop3.tls-port=0", "-Dmailhive.admin.http-port=0",
        "-jar", jar.toString()))
        .redirectErrorStream(true).start();
    NodeUnderTest node = new NodeUnderTest(p, dataDir);
    CountDownLatch ready = new CountDownLatch(1);
    Thread pump = new Thread(() -> node.pump(ready, log), "node-log-pump");
    pump.setDaemon(true);
    pump.start();
    if (!ready.await(START_TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("node did not become ready; see " + log);
    }
    return node;
  }

  private void pump(CountDownLatch ready, Path log) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (line.contains("mailhive_ready")) {
          Matcher m = PORT.matcher(line);
          while (m.find()) {
            ports.put(m.group(1), Integer.parseInt(m.group(2)));
          }
          ready.countDown();
        }
      }
    } catch (IOException e) {
      // the process ended; tests see that through their own checks
    }
  }

  long pid() {
    return process.pid();
  }

  int port(String proto) {
    return ports.get(proto);
  }

  Path passwordFile() {
    return dataDir.resolve("demo-password");
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
