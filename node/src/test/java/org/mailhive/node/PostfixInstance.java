package org.mailhive.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A private Postfix instance (Debian's package) in a test directory: its own main.cf, master.cf, queue and log
 * file, an smtpd on a free loopback port, and a transport map that sends chosen recipients over LMTP or SMTP to
 * a Mailhive node. Needs root (Postfix's master runs as root and drops to the postfix user), as in CI.
 */
final class PostfixInstance implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  final Path dir;
  final int smtpdPort;

  private PostfixInstance(Path dir, int smtpdPort) {
    this.dir = dir;
    this.smtpdPort = smtpdPort;
  }

  /** Whether this machine can run one: Postfix installed and we are root. */
  static boolean available() {
    return Files.isExecutable(Path.of("/usr/sbin/postfix")) && "root".equals(System.getProperty("user.name"));
  }

  /** @param transport Postfix transport_maps entries, e.g. {@code alice@localhost=lmtp:inet:127.0.0.1:2424} */
  static PostfixInstance start(Path dir, List<String> transport) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir);
    // Postfix's daemons run as the postfix user and must reach the queue; JUnit makes temp dirs 0700.
    for (Path p = dir; p != null && p.startsWith(dir.getParent()); p = p.getParent()) {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Files.createDirectories(dir.resolve("queue"));
    Path data = Files.createDirectories(dir.resolve("data"));
    run("chown", "postfix", data.toString());
    Files.writeString(etc.resolve("main.cf"), String.join("\n",
        "compatibility_level = 3.6",
        "queue_directory = " + dir.resolve("queue"),
        "data_directory = " + data,
        "daemon_directory = /usr/lib/postfix/sbin",
        "meta_directory = /etc/postfix",
        "shlib_directory = /usr/lib/postfix",
        "command_directory = /usr/sbin",
        "mail_owner = postfix",
        "setgid_group = postdrop",
        "myhostname = postfix.test",
        "mydomain = test",
        "myorigin = postfix.test",
        "mydestination =",
        "inet_interfaces = 127.0.0.1",
        "inet_protocols = ipv4",
        "mynetworks = 127.0.0.0/8",
        "relay_domains = localhost",
        "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
        "transport_maps = inline:{ " + String.join(", ", transport) + " }",
        "smtp_tls_security_level = may",
        "lmtp_tls_security_level = none",
        "maillog_file_prefixes = " + dir,
        "maillog_file = " + dir.resolve("maillog"),
        "alias_maps =",
        "alias_database =",
        "local_recipient_maps =",
        "biff = no",
        ""), StandardCharsets.UTF_8);
    // No chroot (the queue directory would need a copy of /etc), no local delivery, postlogd for maillog_file.
    Files.writeString(etc.resolve("master.cf"), String.join("\n",
        "127.0.0.1:" + port + " inet n - n - - smtpd",
        "pickup unix n - n 60 1 pickup",
        "cleanup unix n - n - 0 cleanup",
        "qmgr unix n - n 300 1 qmgr",
        "tlsmgr unix - - n 1000? 1 tlsmgr",
        "rewrite unix - - n - - trivial-rewrite",
        "bounce unix - - n - 0 bounce",
        "defer unix - - n - 0 bounce",
        "trace unix - - n - 0 bounce",
        "verify unix - - n - 1 verify",
        "flush unix n - n 1000? 0 flush",
        "proxymap unix - - n - - proxymap",
        "proxywrite unix - - n - 1 proxymap",
        "smtp unix - - n - - smtp",
        "relay unix - - n - - smtp",
        "showq unix n - n - - showq",
        "error unix - - n - - error",
        "retry unix - - n - - error",
        "discard unix - - n - - discard",
        "lmtp unix - - n - - lmtp",
        "anvil unix - - n - 1 anvil",
        "scache unix - - n - 1 scache",
        "postlog unix-dgram n - n - 1 postlogd",
        ""), StandardCharsets.UTF_8);
    PostfixInstance p = new PostfixInstance(dir, port);
    try {
      p.postfix("start");
    } catch (IOException e) {
      throw new IOException(e.getMessage() + "\nmaillog:\n" + p.log(), e);
    }
    return p;
  }

  private void postfix(String command) throws Exception {
    run("/usr/sbin/postfix", "-c", dir.resolve("etc").toString(), command);
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  String log() throws IOException {
    Path log = dir.resolve("maillog");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
  }

  /**
   * Waits, woken by changes to the log file, until some log line satisfies the condition; returns that line.
   * Fails with the whole log after the timeout.
   */
  String awaitLogLine(Predicate<String> condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (WatchService watch = dir.getFileSystem().newWatchService()) {
      dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      while (true) {
        for (String line : log().split("\n")) {
          if (condition.test(line)) {
            return line;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no such Postfix log line within " + timeout + "; log:\n" + log());
        }
        var key = watch.poll(left, TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    } catch (ClosedWatchServiceException e) {
      throw new AssertionError("watch closed", e);
    }
  }

  @Override
  public void close() throws Exception {
    postfix("stop");
  }
}
