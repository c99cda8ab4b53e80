package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * POP3 (RFC 1939) with real clients: Python's poplib (USER/PASS, STLS, implicit TLS, STAT, RETR, TOP, UIDL,
 * DELE) and curl's pop3:// (LIST, RETR), plus raw transcripts for the error replies. Messages are put in with
 * IMAP APPEND so that the bytes RETR returns can be compared with the bytes sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Pop3IT {
  private static final String USER = "demo@localhost";
  // Lines starting with "." must come back byte-stuffed on the wire and unstuffed by the client.
  private static final String FIRST = "From: a@example.org\r\nTo: demo@localhost\r\nSubject: first\r\n\r\n"
      + "line one\r\n.\r\n.leading dot\r\n..two dots\r\nlast line\r\n";
  private static final String SECOND = "From: b@example.org\r\nSubject: second\r\n\r\nbody 2\r\nmore\r\n";

  Path dir;
  TestNode node;
  Path script;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    node = TestNode.start(dir);
    script = Path.of(getClass().getResource("/clients/pop3_session.py").toURI());
    try (LineClient imap = new LineClient(node.imapPort())) {
      imap.line();
      assertTrue(LineClient.last(imap.imap("a", "LOGIN " + USER + " " + node.password())).startsWith("a OK"));
      for (String m : List.of(FIRST, SECOND)) {
        imap.send("b APPEND INBOX {" + m.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + m + "\r\n");
        String l;
        do {
          l = imap.line();
        } while (!l.startsWith("b "));
        assertTrue(l.startsWith("b OK"), l);
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private record Result(int exit, String out) {}

  private static Result run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private Result poplib(String mode, int port, String password, String... steps) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), "127.0.0.1", String.valueOf(port),
        USER, password, mode));
    cmd.addAll(List.of(steps));
    return run(cmd);
  }

  private Result poplib(String... steps) throws Exception {
    return poplib("plain", node.port("pop3"), node.password(), steps);
  }

  private String cert() {
    return node.dataDir.resolve("tls/cert.pem").toString();
  }

  @Test
  @Order(1)
  void poplibLogsInAndStatCountsBothMessagesAndTheirOctets() throws Exception {
    Result r = poplib("stat", "list", "quit");
    assertEquals(0, r.exit(), r.out());
    int octets = FIRST.length() + SECOND.length();
    assertTrue(r.out().contains("stat 2 " + octets), r.out());
    assertTrue(r.out().contains("list 1 " + FIRST.length() + " 2 " + SECOND.length()), r.out());
  }

  @Test
  @Order(2)
  void poplibRetrievesTheMessageByteForByteDespiteLeadingDots() throws Exception {
    Path out = dir.resolve("retr1.eml");
    Result r = poplib("retr:1:" + out, "top:2:1", "quit");
    assertEquals(0, r.exit(), r.out());
    assertArrayEquals(FIRST.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(out), r.out());
    assertTrue(r.out().contains("top 4"), r.out()); // two header lines, the blank line, one body line
  }

  @Test
  @Order(3)
  void curlListsAndRetrievesOverPop3() throws Exception {
    String base = "pop3://127.0.0.1:" + node.port("pop3") + "/";
    Result list = run(List.of("curl", "-sS", "--max-time", "30", "--user", USER + ":" + node.password(), base));
    assertEquals(0, list.exit(), list.out());
    assertEquals("1 " + FIRST.length() + "\r\n2 " + SECOND.length() + "\r\n", list.out());
    Result retr = run(List.of("curl", "-sS", "--max-time", "30", "--user", USER + ":" + node.password(), base + "1"));
    assertEquals(0, retr.exit(), retr.out());
    assertEquals(FIRST, retr.out());
  }

  @Test
  @Order(4)
  void poplibUpgradesWithStlsAndConnectsWithImplicitTls() throws Exception {
    Result stls = poplib("stls:" + cert(), node.port("pop3"), node.password(), "stat", "quit");
    assertEquals(0, stls.exit(), stls.out());
    assertTrue(stls.out().contains("STLS") && stls.out().contains("UIDL") && stls.out().contains("SASL"), stls.out());
    assertTrue(stls.out().contains("stat 2 "), stls.out());
    Result ssl = poplib("ssl:" + cert(), node.port("pop3s"), node.password(), "stat", "quit");
    assertEquals(0, ssl.exit(), ssl.out());
    assertTrue(ssl.out().contains("stat 2 "), ssl.out());
  }

  @Test
  @Order(5)
  void uidlsAreTheSameAfterTheNodeRestartsOnTheSameData() throws Exception {
    Result before = poplib("uidl", "quit");
    assertEquals(0, before.exit(), before.out());
    node.close();
    node = TestNode.start(dir);
    Result after = poplib("uidl", "quit");
    assertEquals(0, after.exit(), after.out());
    String uidls = before.out().lines().filter(l -> l.startsWith("uidl ")).findFirst().orElseThrow();
    assertTrue(uidls.matches("uidl 1 [0-9A-F]{16} 2 [0-9A-F]{16}"), uidls);
    assertEquals(uidls, after.out().lines().filter(l -> l.startsWith("uidl ")).findFirst().orElseThrow());
  }

  @Test
  @Order(6)
  void deleWithoutQuitRemovesNothing() throws Exception {
    try (LineClient pop = new LineClient(node.port("pop3"))) {
      assertTrue(pop.line().startsWith("+OK"));
      pop.send("USER " + USER + "\r\nPASS " + node.password() + "\r\nDELE 1\r\n");
      assertTrue(pop.line().startsWith("+OK"));
      assertEquals("+OK Logged in.", pop.line());
      assertTrue(pop.line().startsWith("+OK"));
    } // RFC 1939 §6: the connection ends without QUIT, so no UPDATE state
    Result r = poplib("stat", "quit");
    assertTrue(r.out().contains("stat 2 "), r.out());
  }

  @Test
  @Order(7)
  void deleThenQuitRemovesTheMessageForPop3AndImap() throws Exception {
    Result r = poplib("dele:1", "stat", "quit");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("stat 1 " + SECOND.length()), r.out()); // marked messages leave the listing
    assertTrue(r.out().contains("quit +OK Logging out, messages deleted."), r.out());
    Result after = poplib("stat", "uidl", "quit");
    assertTrue(after.out().contains("stat 1 " + SECOND.length()), after.out());
    try (LineClient imap = new LineClient(node.imapPort())) {
      imap.line();
      imap.imap("a", "LOGIN " + USER + " " + node.password());
      List<String> select = imap.imap("b", "SELECT INBOX");
      assertTrue(select.contains("* 1 EXISTS"), select.toString());
    }
  }

  @Test
  @Order(8)
  void errorsCarryResponseCodesAndTheSessionContinues() throws Exception {
    try (LineClient pop = new LineClient(node.port("pop3"))) {
      assertTrue(pop.line().startsWith("+OK"));
      pop.send("STAT\r\n");
      assertTrue(pop.line().startsWith("-ERR "));
      pop.send("XYZZY\r\n");
      assertTrue(pop.line().startsWith("-ERR "));
      pop.send("NOOP " + "x".repeat(5000) + "\r\n");
      assertEquals("-ERR Line too long.", pop.line());
      pop.send("USER " + USER + "\r\nPASS wrong\r\n");
      assertTrue(pop.line().startsWith("+OK"));
      assertEquals("-ERR [AUTH] Authentication failed.", pop.line());
      // RFC 5034: AUTH PLAIN with an initial response
      String ir = java.util.Base64.getEncoder().encodeToString(("\0" + USER + "\0" + node.password())
          .getBytes(StandardCharsets.UTF_8));
      pop.send("AUTH PLAIN " + ir + "\r\n");
      assertEquals("+OK Logged in.", pop.line());
      pop.send("RETR 99\r\nTOP 1\r\nUSER x\r\nNOOP\r\n");
      assertEquals("-ERR There's no message 99.", pop.line());
      assertTrue(pop.line().startsWith("-ERR "));
      assertTrue(pop.line().startsWith("-ERR "));
      assertTrue(pop.line().startsWith("+OK"));
      pop.send("QUIT\r\n");
      assertTrue(pop.line().startsWith("+OK"));
      assertEquals(null, pop.line());
    }
  }

  @Test
  @Order(9)
  void tooManyAuthFailuresCloseTheSession() throws Exception {
    try (LineClient pop = new LineClient(node.port("pop3"))) {
      assertNotNull(pop.line());
      pop.send("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString("\0x\0y".getBytes()) + "\r\n");
      assertEquals("-ERR [AUTH] Authentication failed.", pop.line());
      pop.send("AUTH PLAIN\r\n");
      assertEquals("+ ", pop.line());
      pop.send(java.util.Base64.getEncoder().encodeToString("\0x\0y".getBytes()) + "\r\n");
      assertEquals("-ERR [AUTH] Authentication failed.", pop.line());
      pop.send("USER x\r\nPASS y\r\n");
      assertTrue(pop.line().startsWith("+OK"));
      assertTrue(pop.line().startsWith("-ERR [AUTH] Too many"));
      assertEquals(null, pop.line());
    }
  }
}
