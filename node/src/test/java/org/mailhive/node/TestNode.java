package org.mailhive.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/** An in-process node on 127.0.0.1 with every port chosen by the OS and its data in a test's temp dir. */
final class TestNode implements AutoCloseable {
  final Node node;
  final Path dataDir;

  private TestNode(Node node, Path dataDir) {
    this.node = node;
    this.dataDir = dataDir;
  }

  static TestNode start(Path dataDir) throws Exception {
    return start(dataDir, Map.of());
  }

  /** A node whose directory also holds these users (address to password), created before it starts. */
  static TestNode start(Path dataDir, Map<String, Object> extra, Map<String, String> users) throws Exception {
    org.mailhive.directory.UserDirectory directory =
        org.mailhive.directory.UserDirectory.open(dataDir.resolve("users"));
    users.forEach(directory::setPassword);
    return start(dataDir, extra);
  }

  static TestNode start(Path dataDir, Map<String, Object> extra) throws Exception {
    Map<String, Object> m = new java.util.HashMap<>(Map.of(
        "mailhive.node.data-dir", dataDir.toString(),
        "mailhive.cluster.port", 0,
        "mailhive.smtp.port", 0,
        "mailhive.smtp.submission-port", 0,
        "mailhive.smtp.submissions-port", 0,
        "mailhive.lmtp.port", 0,
        "mailhive.imap.port", 0,
        "mailhive.imap.tls-port", 0,
        "mailhive.pop3.port", 0,
        "mailhive.pop3.tls-port", 0));
    m.put("mailhive.admin.http-port", 0);
    // Every test client comes from 127.0.0.1: the tests that try wrong passwords on purpose would otherwise slow
    // each other down and, past ten, block each other. AuthThrottleIT turns it on with its own addresses.
    m.put("mailhive.auth.throttle.enabled", false);
    // close() runs the graceful shutdown; a test that leaves a client in the middle of a command should not wait
    // the production 30 s for it. GracefulShutdownIT sets its own drain time on a node process.
    m.put("mailhive.node.drain-timeout", "3s");
    m.putAll(extra);
    ConfigFactory.invalidateCaches();
    Config config = ConfigFactory.parseMap(m).withFallback(ConfigFactory.load()).resolve();
    return new TestNode(Node.start(config), dataDir);
  }

  int smtpPort() {
    return node.port("smtp").getPort();
  }

  int port(String protocol) {
    return node.port(protocol).getPort();
  }

  int imapPort() {
    return node.port("imap").getPort();
  }

  int imapsPort() {
    return node.port("imaps").getPort();
  }

  /** A plain IMAP connection on which the demo user is logged in (the LOGIN's OK checked). */
  LineClient imapLoggedIn() throws Exception {
    LineClient c = new LineClient(imapPort());
    c.line();
    String ok = LineClient.last(c.imap("l", "LOGIN demo@localhost \"" + password() + "\""));
    if (!ok.startsWith("l OK")) {
      c.close();
      throw new AssertionError("demo login refused: " + ok);
    }
    return c;
  }

  String password() throws Exception {
    return Files.readString(dataDir.resolve("demo-password"), StandardCharsets.UTF_8).trim();
  }

  SSLSocketFactory trustingSocketFactory() {
    return node.tls().clientContextTrustingThis().getSocketFactory();
  }

  /** Jakarta Mail properties for SMTP and IMAP against this node, plaintext unless a test adds TLS settings. */
  Properties mailProperties() {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", String.valueOf(smtpPort()));
    p.put("mail.smtp.timeout", "20000");
    p.put("mail.smtp.connectiontimeout", "5000");
    p.put("mail.imap.host", "127.0.0.1");
    p.put("mail.imap.port", String.valueOf(imapPort()));
    p.put("mail.imap.timeout", "20000");
    p.put("mail.imap.connectiontimeout", "5000");
    return p;
  }

  @Override
  public void close() throws Exception {
    node.close();
  }
}
