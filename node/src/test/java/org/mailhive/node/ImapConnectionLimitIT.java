package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** mailhive.imap.limits.max-connections-per-user-ip over real sockets (issue #4, Dovecot's mail_max_userip_connections). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapConnectionLimitIT {
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir, Map.of("mailhive.imap.limits.max-connections-per-user-ip", 2));
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private LineClient greeted() throws Exception {
    LineClient c = new LineClient(node.imapPort());
    c.line();
    return c;
  }

  private String login(LineClient c, String tag) throws Exception {
    return LineClient.last(c.imap(tag, "LOGIN demo@localhost \"" + node.password() + "\""));
  }

  @Test
  void theLoginOneOverTheLimitGetsNoLimitAndSucceedsOnceAnotherSessionLogsOut() throws Exception {
    try (LineClient first = greeted(); LineClient second = greeted(); LineClient third = greeted()) {
      assertTrue(login(first, "a").startsWith("a OK"));
      assertTrue(login(second, "a").startsWith("a OK"));
      assertEquals("a NO [LIMIT] Too many connections from this user and IP", login(third, "a"));
      String plain = java.util.Base64.getEncoder().encodeToString(
          ("\0demo@localhost\0" + node.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertTrue(LineClient.last(third.imap("b", "AUTHENTICATE PLAIN " + plain)).startsWith("b NO [LIMIT]"));
      assertEquals("c OK NOOP completed", LineClient.last(third.imap("c", "NOOP")), "the refused session goes on");

      assertTrue(LineClient.last(first.imap("d", "LOGOUT")).startsWith("d OK"));
      assertTrue(login(third, "e").startsWith("e OK"), "a slot is free again after LOGOUT");
    }
  }

  @Test
  void aDroppedConnectionGivesItsSlotBack() throws Exception {
    try (LineClient a = greeted()) {
      assertTrue(login(a, "a").startsWith("a OK"));
    }
    // The first test may still hold two sessions; whichever ran first, a new session must get in within the wait.
    long deadline = System.nanoTime() + 10_000_000_000L;
    String reply;
    do {
      try (LineClient b = greeted()) {
        reply = login(b, "b");
      }
    } while (!reply.startsWith("b OK") && System.nanoTime() < deadline);
    assertTrue(reply.startsWith("b OK"), reply);
  }
}
