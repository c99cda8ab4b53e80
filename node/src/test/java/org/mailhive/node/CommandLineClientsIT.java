package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The README's examples with the real tools: swaks sends, curl reads over IMAP (plaintext and STARTTLS). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandLineClientsIT {
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir);
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private record Result(int exit, String out) {}

  private static Result run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  @Order(1)
  void swaksSendsAMessage() throws Exception {
    Result r = run("swaks", "--server", "127.0.0.1", "--port", String.valueOf(node.smtpPort()),
        "--from", "alice@example.org", "--to", "demo@localhost",
        "--header", "Subject: hello from swaks", "--body", "It works.");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("<-  250 2.0.0 Ok: stored"), r.out());
  }

  @Test
  @Order(2)
  void swaksSendsOverStarttls() throws Exception {
    Result r = run("swaks", "--server", "127.0.0.1", "--port", String.valueOf(node.smtpPort()), "--tls",
        "--from", "alice@example.org", "--to", "demo@localhost",
        "--header", "Subject: swaks over tls", "--body", "Encrypted.");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("TLS started"), r.out());
    assertTrue(r.out().contains("250 2.0.0"), r.out());
  }

  @Test
  @Order(3)
  void curlFetchesTheMessageByUid() throws Exception {
    Result r = run("curl", "-sS", "--max-time", "30", "--user", "demo@localhost:" + node.password(),
        "imap://127.0.0.1:" + node.imapPort() + "/INBOX;UID=1");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("Subject: hello from swaks"), r.out());
    assertTrue(r.out().contains("It works."), r.out());
  }

  @Test
  @Order(4)
  void curlFetchesOverStarttlsTrustingTheGeneratedCertificate() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "--ssl-reqd",
        "--cacert", node.dataDir.resolve("tls/cert.pem").toString(),
        "--user", "demo@localhost:" + node.password(), "imap://localhost:" + node.imapPort() + "/INBOX;UID=2"));
    Result r = run(cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("Subject: swaks over tls"), r.out());
  }

  @Test
  @Order(5)
  void curlWithAWrongPasswordIsRefused() throws Exception {
    Result r = run("curl", "-sS", "--max-time", "30", "--user", "demo@localhost:wrong",
        "imap://127.0.0.1:" + node.imapPort() + "/INBOX;UID=1");
    assertEquals(67, r.exit(), r.out()); // CURLE_LOGIN_DENIED
  }
}
