package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * swaks (the admin's SMTP swiss army knife) against every mail-in path: MX, submission on 587 with STARTTLS and
 * on 465 with implicit TLS (AUTH PLAIN and LOGIN), LMTP, and PIPELINING. swaks 20201014 has no BDAT or DSN
 * options; those are driven over raw sockets in {@link EsmtpIT} and {@link LmtpIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SwaksIT {
  static final Map<String, String> USERS = Map.of("alice@localhost", "alice-pw", "bob@localhost", "bob-pw");
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir, Map.of(), USERS);
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private record Result(int exit, String out) {}

  private Result swaks(String protocol, String marker, String... options) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port",
        String.valueOf(node.port(protocol)), "--timeout", "30", "--header", "Subject: " + marker,
        "--body", "sent by swaks " + marker));
    cmd.addAll(List.of(options));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static String marker() {
    return "swaks-" + UUID.randomUUID();
  }

  @Test
  void mxWithPipelining() throws Exception {
    String marker = marker();
    Result r = swaks("smtp", marker, "--from", "sender@example.org", "--to", "alice@localhost,bob@localhost",
        "--pipeline");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("<-  250 2.0.0 Ok: stored"), r.out());
    StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
    StoredMail.withMarker(node, "bob@localhost", "bob-pw", marker);
  }

  @Test
  void submissionOn587WithStarttlsAndAuthPlain() throws Exception {
    String marker = marker();
    Result r = swaks("submission", marker, "--tls", "--auth", "PLAIN", "--auth-user", "alice@localhost",
        "--auth-password", "alice-pw", "--from", "alice@localhost", "--to", "bob@localhost");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("<~  235 2.7.0 Authentication successful"), r.out());
    assertTrue(r.out().contains("<~  250 2.0.0 Ok: stored"), r.out());
    String stored = StoredMail.withMarker(node, "bob@localhost", "bob-pw", marker);
    assertTrue(stored.contains(" with ESMTPSA id "), stored);
  }

  @Test
  void submissionOn587WithStarttlsAndAuthLoginAndPipelining() throws Exception {
    String marker = marker();
    Result r = swaks("submission", marker, "--tls", "--auth", "LOGIN", "--auth-user", "bob@localhost",
        "--auth-password", "bob-pw", "--from", "bob@localhost", "--to", "alice@localhost", "--pipeline");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("<~  334 UGFzc3dvcmQ6"), r.out());
    assertTrue(r.out().contains("<~  250 2.0.0 Ok: stored"), r.out());
    StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
  }

  @Test
  void submissionsOn465WithImplicitTls() throws Exception {
    String marker = marker();
    Result r = swaks("submissions", marker, "--tlsc", "--auth", "PLAIN", "--auth-user", "bob@localhost",
        "--auth-password", "bob-pw", "--from", "bob@localhost", "--to", "alice@localhost");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("<~  250 2.0.0 Ok: stored"), r.out());
    StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
  }

  @Test
  void submissionWithoutTlsCannotAuthenticate() throws Exception {
    Result r = swaks("submission", marker(), "--auth", "PLAIN", "--auth-user", "alice@localhost",
        "--auth-password", "alice-pw", "--from", "alice@localhost", "--to", "bob@localhost");
    assertTrue(r.exit() != 0, r.out());
    // swaks sees no AUTH in EHLO before TLS and gives up before sending the password
    assertTrue(r.out().contains("Host did not advertise authentication"), r.out());
  }

  @Test
  void submissionWithAWrongPasswordIsRefused() throws Exception {
    Result r = swaks("submission", marker(), "--tls", "--auth", "LOGIN", "--auth-user", "alice@localhost",
        "--auth-password", "wrong", "--from", "alice@localhost", "--to", "bob@localhost");
    assertTrue(r.exit() != 0, r.out());
    assertTrue(r.out().contains("<~* 535 5.7.8"), r.out());
  }

  @Test
  void lmtpWithTwoRecipients() throws Exception {
    String marker = marker();
    Result r = swaks("lmtp", marker, "--protocol", "LMTP", "--from", "sender@example.org",
        "--to", "alice@localhost,bob@localhost");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("-> LHLO"), r.out());
    assertTrue(r.out().contains("<-  250 2.1.5 Ok: stored: <alice@localhost>"), r.out());
    assertTrue(r.out().contains("<-  250 2.1.5 Ok: stored: <bob@localhost>"), r.out());
    String stored = StoredMail.withMarker(node, "bob@localhost", "bob-pw", marker);
    assertTrue(stored.contains(" with LMTP id "), stored);
  }

  @Test
  void lmtpWithPipelining() throws Exception {
    String marker = marker();
    Result r = swaks("lmtp", marker, "--protocol", "LMTP", "--pipeline", "--from", "sender@example.org",
        "--to", "alice@localhost");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("<-  250 2.1.5 Ok: stored: <alice@localhost>"), r.out());
    StoredMail.withMarker(node, "alice@localhost", "alice-pw", marker);
  }
}
