package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.directory.DirectoryEntry;

/**
 * Remote delivery end to end on loopback: a sending node whose relayhost is the MX port of a second in-process
 * node serving {@code remote.test}. Authenticated submission to a remote address is queued (250 after the queue
 * entry and body are durable), survives the remote being down, arrives byte for byte once it is up, a 5xx comes
 * back to the sender's INBOX as an RFC 3464 report, and a user's forwarding address gets that user's mail.
 * Retry intervals are shortened by configuration; every wait polls with a deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboundIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  TestNode node;
  TestNode remote;
  Path dir;
  int remotePort;
  SSLSocketFactory tls;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    remotePort = freePort();
    node = TestNode.start(dir.resolve("sender"), senderConfig(remotePort, "5d"),
        Map.of("alice@example.org", "alice-pw", "fwd@example.org", "fwd-pw"));
    tls = node.trustingSocketFactory();
    DirectoryEntry.User fwd = node.node.directory().userEntry("fwd@example.org").orElseThrow();
    node.node.directory().putUser(new DirectoryEntry.User(fwd.address(), fwd.realName(), fwd.passwordHash(), true,
        0, 0, "someone@remote.test")).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Map<String, Object> senderConfig(int relayPort, String maxLifetime) {
    return Map.of(
        "mailhive.smtp.outbound.relayhost", "127.0.0.1:" + relayPort,
        "mailhive.smtp.outbound.poll-interval", "100ms",
        "mailhive.smtp.outbound.retry-initial", "200ms",
        "mailhive.smtp.outbound.retry-max", "500ms",
        "mailhive.smtp.outbound.max-lifetime", maxLifetime,
        "mailhive.smtp.outbound.connect-timeout", "2s");
  }

  private static int freePort() throws Exception {
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (remote != null) {
      remote.close();
    }
    node.close();
  }

  /** The remote MTA, on the port the sender's relayhost names; started on first use. */
  private TestNode remote() throws Exception {
    if (remote == null) {
      remote = TestNode.start(dir.resolve("remote"), Map.of("mailhive.smtp.port", remotePort),
          Map.of("someone@remote.test", "someone-pw"));
    }
    return remote;
  }

  /** Authenticated submission over implicit TLS; returns the reply to the end of data. */
  private String submit(String from, String password, String to, String message) throws Exception {
    try (SmtpClient c = SmtpClient.implicitTls(node.port("submissions"), tls)) {
      c.greet("EHLO");
      assertEquals("235 2.7.0 Authentication successful", c.authPlain(from, password));
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<" + from + ">"));
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<" + to + ">"));
      assertEquals("354 End data with <CR><LF>.<CR><LF>", c.cmd("DATA"));
      c.send(dotStuffed(message));
      return c.cmd(".");
    }
  }

  /** Plain SMTP from a sender in another domain, as an MX receives it; returns the reply to the end of data. */
  private String sendFromElsewhere(String rcpt, String content) throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      c.greet("EHLO");
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<someone@elsewhere.test>"));
      assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<" + rcpt + ">"));
      assertEquals("354 End data with <CR><LF>.<CR><LF>", c.cmd("DATA"));
      c.send(content);
      return c.cmd(".");
    }
  }

  /** RFC 5321 §4.5.2: what a client sends after DATA for this content. */
  private static byte[] dotStuffed(String content) {
    return content.replace("\r\n.", "\r\n..").getBytes(StandardCharsets.UTF_8);
  }

  private static String message(String marker) {
    return "From: alice@example.org\r\nTo: someone@remote.test\r\nSubject: " + marker + "\r\n"
        + "Date: Tue, 1 Jan 2030 10:00:00 +0000\r\nMessage-ID: <" + marker + "@example.org>\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "Gr\u00fc\u00dfe aus Z\u00fcrich\r\n.a line that starts with a dot\r\n\r\n  trailing blanks  \r\nend\r\n";
  }

  private static <T> T eventually(String what, Callable<Optional<T>> probe) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    Exception last = null;
    while (System.nanoTime() < end) {
      try {
        Optional<T> v = probe.call();
        if (v.isPresent()) {
          return v.get();
        }
      } catch (Exception e) {
        last = e;
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling interval, not a wait for the event itself
    }
    throw new AssertionError("not within " + DEADLINE + ": " + what, last);
  }

  private Optional<String> inboxWith(TestNode n, String user, String password, String marker) throws Exception {
    return StoredMail.inbox(n, user, password).stream().filter(m -> m.contains(marker)).findFirst();
  }

  private static String queueStatus(TestNode n) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + n.port("admin") + "/api/queue")).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body().replaceAll("\\s", "");
  }

  @Test
  @Order(1)
  void mailToARemoteDomainStaysQueuedWhileTheRemoteIsDownEvenAcrossARestartAndArrivesOnceWhenItComesUp(
      @TempDir Path restarting) throws Exception {
    String marker = "down-then-up-" + UUID.randomUUID();
    TestNode sender = TestNode.start(restarting, senderConfig(remotePort, "5d"), Map.of("alice@example.org", "alice-pw"));
    try {
      try (SmtpClient c = SmtpClient.implicitTls(sender.port("submissions"), sender.trustingSocketFactory())) {
        c.greet("EHLO");
        assertEquals("235 2.7.0 Authentication successful", c.authPlain("alice@example.org", "alice-pw"));
        c.cmd("MAIL FROM:<alice@example.org>");
        assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<someone@remote.test>"));
        c.cmd("DATA");
        c.send(dotStuffed(message(marker)));
        assertEquals("250 2.0.0 Ok: stored", c.cmd("."));
      }
      // Connection refused is transient: the message stays queued through several retries.
      TestNode before = sender;
      eventually("the queue shows the message", () -> Optional.of(queueStatus(before))
          .filter(s -> s.contains("\"messages\":1")));
      // The queue is in the journal and the blob store: the node restarted on the same data still has it.
      sender.close();
      sender = TestNode.start(restarting, senderConfig(remotePort, "5d"));
      TestNode after = sender;
      eventually("the restarted node's queue", () -> Optional.of(queueStatus(after))
          .filter(s -> s.contains("\"messages\":1")));
      TestNode up = remote();
      String arrived = eventually("delivery after the remote came up", () -> inboxWith(up, "someone@remote.test",
          "someone-pw", marker));
      assertTrue(arrived.endsWith(message(marker)), arrived);
      eventually("the queue is empty", () -> Optional.of(queueStatus(after))
          .filter(s -> s.contains("\"messages\":0")));
      java.io.StringWriter out = new java.io.StringWriter();
      int exit = org.mailhive.node.admin.AdminCli.run(new java.io.PrintWriter(out, true),
          new java.io.PrintWriter(new java.io.StringWriter(), true), "--url", "http://127.0.0.1:" + after.port("admin"),
          "queue");
      assertEquals(0, exit);
      assertEquals("messages=0 recipients=0", out.toString().trim());
      assertEquals(1, StoredMail.inbox(up, "someone@remote.test", "someone-pw").stream()
          .filter(m -> m.contains(marker)).count(), "delivered once");
    } finally {
      sender.close();
    }
  }

  @Test
  @Order(2)
  void anAuthenticatedSubmissionToARemoteAddressArrivesThereByteForByteBelowTheTraceHeaders() throws Exception {
    TestNode up = remote();
    String marker = "intact-" + UUID.randomUUID();
    assertEquals("250 2.0.0 Ok: stored", submit("alice@example.org", "alice-pw", "someone@remote.test",
        message(marker)));
    String arrived = eventually("delivery", () -> inboxWith(up, "someone@remote.test", "someone-pw", marker));
    // The remote's own trace headers, then ours (a Received line, no Return-Path: we did not deliver it), then
    // exactly what the client sent.
    List<String> head = arrived.substring(0, arrived.length() - message(marker).length()).lines().toList();
    assertTrue(arrived.endsWith(message(marker)), arrived);
    assertEquals("Return-Path: <alice@example.org>", head.get(0), head.toString());
    assertEquals(1, head.stream().filter(l -> l.startsWith("Return-Path:")).count(), head.toString());
    assertEquals(2, head.stream().filter(l -> l.startsWith("Received:")).count(), head.toString());
    assertTrue(head.stream().anyMatch(l -> l.contains("with ESMTPSA")), "our Received line: " + head);
  }

  @Test
  @Order(3)
  void aPermanentRefusalByTheRemoteComesBackAsADeliveryStatusNotificationInTheSendersInbox() throws Exception {
    remote();
    String marker = "bounce-" + UUID.randomUUID();
    // The relayhost accepts the RCPT at first sight only for its own users; nobody@ gets 550 5.1.1 at RCPT.
    assertEquals("250 2.0.0 Ok: stored", submit("alice@example.org", "alice-pw", "nobody@remote.test",
        message(marker)));
    String bounce = eventually("the bounce", () -> inboxWith(node, "alice@example.org", "alice-pw", marker));
    assertTrue(bounce.startsWith("Return-Path: <>\r\n"), bounce);
    assertTrue(bounce.contains("Subject: Undelivered Mail Returned to Sender\r\n"), bounce);
    assertTrue(bounce.contains("Content-Type: multipart/report; report-type=delivery-status;"), bounce);
    assertTrue(bounce.contains("Final-Recipient: rfc822; nobody@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"),
        bounce);
    assertTrue(bounce.contains("Diagnostic-Code: smtp; 550 5.1.1"), bounce);
    assertTrue(bounce.contains("Subject: " + marker + "\r\n"), "the returned headers: " + bounce);
    assertFalse(bounce.contains("a line that starts with a dot"), "the body is not returned: " + bounce);
  }

  @Test
  @Order(4)
  void mailForAUserWithAForwardingAddressGoesToThatAddressAndNoCopyStaysByDefault() throws Exception {
    TestNode up = remote();
    String marker = "forward-" + UUID.randomUUID();
    String content = "From: someone@elsewhere.test\r\nTo: fwd@example.org\r\nSubject: " + marker + "\r\n\r\nhi\r\n";
    assertEquals("250 2.0.0 Ok: stored", sendFromElsewhere("fwd@example.org", content));
    String arrived = eventually("the forwarded copy", () -> inboxWith(up, "someone@remote.test", "someone-pw", marker));
    assertTrue(arrived.endsWith(content), arrived);
    assertTrue(arrived.startsWith("Return-Path: <someone@elsewhere.test>\r\n"), "original sender kept: " + arrived);
    assertTrue(inboxWith(node, "fwd@example.org", "fwd-pw", marker).isEmpty(), "forward-keeps-copy is off");
  }

  @Test
  @Order(4)
  void aListWithAMemberInAnotherDomainDeliversTheLocalCopyAndSendsTheOtherOnThroughTheQueue() throws Exception {
    TestNode up = remote();
    node.node.directory().putList(new DirectoryEntry.MailingList("team@example.org",
        List.of("alice@example.org", "someone@remote.test"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    String marker = "list-" + UUID.randomUUID();
    String content = "From: someone@elsewhere.test\r\nTo: team@example.org\r\nSubject: " + marker + "\r\n\r\nhi\r\n";
    assertTrue(sendFromElsewhere("team@example.org", content).startsWith("250 2.0.0"));
    assertTrue(inboxWith(node, "alice@example.org", "alice-pw", marker).isPresent(), "the local member's copy");
    String arrived = eventually("the remote member's copy", () -> inboxWith(up, "someone@remote.test", "someone-pw", marker));
    assertTrue(arrived.endsWith(content), arrived);
  }

  @Test
  @Order(4)
  void anAliasForAnAddressInAnotherDomainIsSentThereAndNotRefusedAsUnknown() throws Exception {
    TestNode up = remote();
    node.node.directory().putAlias(new DirectoryEntry.Alias("away@example.org", "someone@remote.test"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    String marker = "alias-" + UUID.randomUUID();
    String content = "From: someone@elsewhere.test\r\nTo: away@example.org\r\nSubject: " + marker + "\r\n\r\nhi\r\n";
    assertTrue(sendFromElsewhere("away@example.org", content).startsWith("250 2.0.0"));
    String arrived = eventually("the aliased copy", () -> inboxWith(up, "someone@remote.test", "someone-pw", marker));
    assertTrue(arrived.endsWith(content), arrived);
  }

  @Test
  @Order(5)
  void aMessageNotDeliveredWithinTheQueueLifetimeIsReturnedWithStatus447(@TempDir Path other) throws Exception {
    int nobodyListens = freePort();
    try (TestNode expiring = TestNode.start(other, senderConfig(nobodyListens, "1s"),
        Map.of("alice@example.org", "alice-pw"))) {
      String marker = "expired-" + UUID.randomUUID();
      try (SmtpClient c = SmtpClient.implicitTls(expiring.port("submissions"), expiring.trustingSocketFactory())) {
        c.greet("EHLO");
        c.authPlain("alice@example.org", "alice-pw");
        c.cmd("MAIL FROM:<alice@example.org>");
        assertEquals("250 2.1.5 Ok", c.cmd("RCPT TO:<someone@remote.test>"));
        c.cmd("DATA");
        c.send(dotStuffed(message(marker)));
        assertEquals("250 2.0.0 Ok: stored", c.cmd("."));
      }
      String bounce = eventually("the expiry report", () -> inboxWith(expiring, "alice@example.org", "alice-pw",
          marker));
      assertTrue(bounce.contains("Final-Recipient: rfc822; someone@remote.test\r\nAction: failed\r\n"
          + "Status: 4.4.7\r\n"), bounce);
      assertTrue(bounce.contains("Diagnostic-Code: X-Mailhive; 451 4.4.7 Message expired"), bounce);
    }
  }

  @Test
  @Order(6)
  void unauthenticatedMailToARemoteDomainIsStillRefused() throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.smtpPort())) {
      c.greet("EHLO");
      assertEquals("250 2.1.0 Ok", c.cmd("MAIL FROM:<someone@elsewhere.test>"));
      assertEquals("554 5.7.1 Relay access denied", c.cmd("RCPT TO:<someone@remote.test>"));
    }
  }
}
