package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed, oversized, binary and smuggling input over real sockets to SMTP and IMAP: every error is a protocol reply
 * with a code (CONVENTIONS §3), the session (or at least the node) keeps serving, and nothing half-received is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedInputIT {
  private static final int TIMEOUT_MS = 20_000;
  private static final int ONE_MB = 1024 * 1024;
  /** SMTP reply with an RFC 3463 enhanced status code: "ddd c.ddd.ddd ...". */
  private static final Pattern SMTP_CODED = Pattern.compile("^[2-5]\\d\\d[ -][245]\\.\\d{1,3}\\.\\d{1,3}( .*)?$");
  /** IMAP error (tagged or untagged) that carries a response code. */
  private static final Pattern IMAP_CODED_ERROR = Pattern.compile("^\\S+ (BAD|NO) \\[[A-Z-]+[^\\]]*\\].*$");

  TestNode node;
  TestNode smallLiteralNode;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir.resolve("main"));
    smallLiteralNode = TestNode.start(dir.resolve("small"), Map.of("mailhive.imap.limits.max-literal-size", "1k"));
  }

  @AfterAll
  void stop() throws Exception {
    if (smallLiteralNode != null) {
      smallLiteralNode.close();
    }
    if (node != null) {
      node.close();
    }
  }

  // ---- a tiny line-oriented client over a plain socket; every read is bounded by the socket timeout ----

  static final class Wire implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Wire(int port) throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(TIMEOUT_MS);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    /** One line without its CRLF (or bare LF), or null at end of stream. Times out after 20 s. */
    String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        int c = in.read();
        if (c < 0) {
          return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
        }
        if (c == '\n') {
          byte[] bytes = b.toByteArray();
          int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, len, StandardCharsets.UTF_8);
        }
        b.write(c);
      }
    }

    String requireLine() throws IOException {
      String l = line();
      assertNotNull(l, "connection closed while a reply was expected");
      return l;
    }

    void send(String s) throws IOException {
      send(s.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] b) throws IOException {
      out.write(b);
      out.flush();
    }

    /** A complete SMTP reply; returns its last line (the one with a space after the code). */
    String smtpReply() throws IOException {
      while (true) {
        String l = requireLine();
        if (l.length() < 4 || l.charAt(3) != '-') {
          return l;
        }
      }
    }

    String smtp(String command) throws IOException {
      send(command + "\r\n");
      return smtpReply();
    }

    /** Sends a tagged IMAP command and returns every line up to and including the tagged completion. */
    List<String> imap(String tag, String command) throws IOException {
      send(tag + " " + command + "\r\n");
      return imapUntil(tag);
    }

    List<String> imapUntil(String tag) throws IOException {
      List<String> lines = new ArrayList<>();
      while (true) {
        String l = requireLine();
        lines.add(l);
        if (l.startsWith(tag + " OK") || l.startsWith(tag + " NO") || l.startsWith(tag + " BAD")) {
          return lines;
        }
      }
    }

    void abort() throws IOException {
      socket.setSoLinger(true, 0); // RST, not FIN: the client vanishes mid-stream
      socket.close();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static String last(List<String> lines) {
    return lines.get(lines.size() - 1);
  }

  private static void assertSmtpError(String prefix, String reply) {
    assertTrue(reply.startsWith(prefix), "expected " + prefix + "..., got: " + reply);
    assertTrue(SMTP_CODED.matcher(reply).matches(), "no enhanced status code: " + reply);
  }

  private static void assertImapError(String expectedPrefix, String reply) {
    assertTrue(reply.startsWith(expectedPrefix), "expected " + expectedPrefix + "..., got: " + reply);
    assertTrue(IMAP_CODED_ERROR.matcher(reply).matches(), "no response code: " + reply);
  }

  private Wire smtpGreeted(TestNode n) throws IOException {
    Wire w = new Wire(n.smtpPort());
    String greeting = w.smtpReply();
    assertTrue(greeting.startsWith("220 "), greeting);
    assertTrue(w.smtp("EHLO client.example.org").startsWith("250 "));
    return w;
  }

  private Wire imapGreeted(TestNode n) throws IOException {
    Wire w = new Wire(n.imapPort());
    String greeting = w.requireLine();
    assertTrue(greeting.startsWith("* OK"), greeting);
    return w;
  }

  private Wire imapLoggedIn(TestNode n) throws Exception {
    Wire w = imapGreeted(n);
    String r = last(w.imap("l1", "LOGIN demo@localhost \"" + n.password() + "\""));
    assertTrue(r.startsWith("l1 OK"), r);
    return w;
  }

  /** EXISTS from SELECT INBOX on a fresh connection. */
  private int inboxCount() throws Exception {
    try (Wire w = imapLoggedIn(node)) {
      List<String> lines = w.imap("s1", "SELECT INBOX");
      assertTrue(last(lines).startsWith("s1 OK"), last(lines));
      for (String l : lines) {
        if (l.matches("\\* \\d+ EXISTS")) {
          return Integer.parseInt(l.split(" ")[1]);
        }
      }
      throw new AssertionError("no EXISTS in " + lines);
    }
  }

  /** Every Subject header in INBOX, read with raw FETCH over a fresh connection. */
  private List<String> inboxSubjects() throws Exception {
    try (Wire w = imapLoggedIn(node)) {
      List<String> lines = w.imap("s1", "EXAMINE INBOX");
      assertTrue(last(lines).startsWith("s1 OK"), last(lines));
      boolean empty = lines.contains("* 0 EXISTS");
      List<String> subjects = new ArrayList<>();
      if (empty) {
        return subjects;
      }
      List<String> fetched = w.imap("f1", "FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
      assertTrue(last(fetched).startsWith("f1 OK"), last(fetched));
      for (String l : fetched) {
        if (l.regionMatches(true, 0, "Subject:", 0, 8)) {
          subjects.add(l.substring(8).trim());
        }
      }
      return subjects;
    }
  }

  private void sendCompleteMessage(String subject) throws IOException {
    try (Wire w = smtpGreeted(node)) {
      assertTrue(w.smtp("MAIL FROM:<sender@example.org>").startsWith("250 "));
      assertTrue(w.smtp("RCPT TO:<demo@localhost>").startsWith("250 "));
      assertTrue(w.smtp("DATA").startsWith("354 "));
      String reply = w.smtp("From: sender@example.org\r\nTo: demo@localhost\r\nSubject: " + subject
          + "\r\n\r\ncomplete body\r\n.");
      assertTrue(reply.startsWith("250 "), reply);
      assertTrue(w.smtp("QUIT").startsWith("221 "));
    }
  }

  // ---- 1. enormous lines ----

  @Test
  void smtpOneMegabyteCommandLineGets500AndTheSessionContinues() throws Exception {
    try (Wire w = smtpGreeted(node)) {
      byte[] line = new byte[ONE_MB + 2];
      Arrays.fill(line, (byte) 'x');
      line[ONE_MB] = '\r';
      line[ONE_MB + 1] = '\n';
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          w.send(line);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      assertSmtpError("500 5.5.6", w.smtpReply());
      writer.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      // the very next reply belongs to NOOP: the rest of the long line produced nothing more
      String noop = w.smtp("NOOP");
      assertTrue(noop.startsWith("250 "), noop);
    }
  }

  @Test
  void imapOneMegabyteCommandLineGetsBadTooBigAndTheSessionContinues() throws Exception {
    try (Wire w = imapGreeted(node)) {
      byte[] prefix = "a0 NOOP ".getBytes(StandardCharsets.US_ASCII);
      byte[] line = new byte[ONE_MB + 2];
      Arrays.fill(line, (byte) 'x');
      System.arraycopy(prefix, 0, line, 0, prefix.length);
      line[ONE_MB] = '\r';
      line[ONE_MB + 1] = '\n';
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          w.send(line);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      String bad = w.requireLine();
      assertTrue(bad.startsWith("a0 BAD [TOOBIG]") || bad.startsWith("* BAD [TOOBIG]"), bad);
      assertImapError(bad.substring(0, 2), bad);
      writer.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      List<String> noop = w.imap("a1", "NOOP");
      assertEquals(List.of(last(noop)), noop, "nothing but the NOOP completion after the long line");
      assertTrue(last(noop).startsWith("a1 OK"), last(noop));
    }
  }

  @Test
  void imapOverlongLineEndingInANonSynchronisingLiteralSkipsTheLiteralBytes() throws Exception {
    try (Wire w = imapGreeted(node)) {
      // RFC 7888: the {11+} literal is on its way whatever the server thinks of the line; its bytes, which look
      // like a command, must be skipped with the refused command and never run.
      String literal = "x1 LOGOUT\r\n";
      String head = "a0 NOOP " + "x".repeat(ONE_MB) + "{" + literal.length() + "+}\r\n";
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          w.send(head + literal + "\r\n");
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      String bad = w.requireLine();
      assertImapError("a0 BAD [TOOBIG]", bad);
      writer.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      List<String> noop = w.imap("a1", "NOOP");
      assertEquals(List.of(last(noop)), noop, "the literal's bytes were run as a command: " + noop);
      assertTrue(last(noop).startsWith("a1 OK"), last(noop));
    }
  }

  // ---- 2. binary garbage ----

  private static byte[] garbage(long seed) {
    byte[] b = new byte[64 * 1024];
    new Random(seed).nextBytes(b);
    // make sure the interesting bytes are there, and plenty of them
    for (int i = 0; i < b.length; i += 97) {
      b[i] = (byte) (i % 3 == 0 ? 0 : i % 3 == 1 ? '\r' : '\n');
    }
    return b;
  }

  /**
   * Writes the garbage (and then a trailer) on a separate thread while reading every line until end of stream,
   * a connection reset, or a line matching {@code done}. Never waits longer than the socket timeout per read.
   */
  private static List<String> sendGarbage(Wire w, byte[] garbage, String trailer, Pattern done) throws Exception {
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        w.send(garbage);
        w.send(trailer);
      } catch (IOException e) {
        // the server may close the connection while we are still writing: that is a clean close
      }
    });
    List<String> lines = new ArrayList<>();
    try {
      for (String l = w.line(); l != null; l = w.line()) {
        lines.add(l);
        if (done.matcher(l).matches()) {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      fail("server neither answered nor closed within " + TIMEOUT_MS + " ms; got " + lines.size() + " lines");
    } catch (SocketException e) {
      // reset by the server after it closed: a clean close as far as the client can tell
    }
    writer.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return lines;
  }

  @Test
  void smtpBinaryGarbageGetsCodedErrorsOrCloseAndTheNodeStillServes() throws Exception {
    List<String> lines;
    try (Wire w = new Wire(node.smtpPort())) {
      assertTrue(w.smtpReply().startsWith("220 "));
      lines = sendGarbage(w, garbage(7), "\r\nNOOP\r\n", Pattern.compile("^250 .*"));
    }
    assertFalse(lines.isEmpty(), "no reply at all to 64 KiB of garbage");
    for (String l : lines) {
      if (l.startsWith("250 ")) {
        continue; // the trailing NOOP, if the session survived the garbage
      }
      assertTrue(l.startsWith("5") || l.startsWith("421 4.7.0"), "not an error reply: " + l);
      assertTrue(SMTP_CODED.matcher(l).matches(), "no enhanced status code: " + l);
    }
    try (Wire fresh = smtpGreeted(node)) {
      assertTrue(fresh.smtp("NOOP").startsWith("250 "));
      assertTrue(fresh.smtp("QUIT").startsWith("221 "));
    }
  }

  @Test
  void imapBinaryGarbageGetsCodedBadsOrCloseAndTheNodeStillServes() throws Exception {
    List<String> lines;
    try (Wire w = imapGreeted(node)) {
      lines = sendGarbage(w, garbage(11), "\r\nzz99 NOOP\r\n", Pattern.compile("^zz99 (OK|NO|BAD).*"));
    }
    assertFalse(lines.isEmpty(), "no reply at all to 64 KiB of garbage");
    for (String l : lines) {
      if (l.startsWith("zz99 OK") || l.startsWith("+ ")) {
        continue; // the trailing NOOP, or a continuation request for a literal the garbage happened to announce
      }
      assertTrue(IMAP_CODED_ERROR.matcher(l).matches() || l.startsWith("* BYE"), "not a coded error: " + l);
    }
    try (Wire fresh = imapLoggedIn(node)) {
      assertTrue(last(fresh.imap("n1", "NOOP")).startsWith("n1 OK"));
      assertTrue(last(fresh.imap("n2", "LOGOUT")).startsWith("n2 OK"));
    }
  }

  // ---- 3. client vanishes mid-DATA ----

  @Test
  void clientDisconnectingMidDataLeavesNothingAndTheNodeKeepsServing() throws Exception {
    String half = "half-" + UUID.randomUUID();
    String whole = "whole-" + UUID.randomUUID();
    int before = inboxCount();

    Wire w = smtpGreeted(node);
    assertTrue(w.smtp("MAIL FROM:<sender@example.org>").startsWith("250 "));
    assertTrue(w.smtp("RCPT TO:<demo@localhost>").startsWith("250 "));
    assertTrue(w.smtp("DATA").startsWith("354 "));
    w.send("From: sender@example.org\r\nTo: demo@localhost\r\nSubject: " + half + "\r\n\r\n"
        + "first half of the body\r\n".repeat(200));
    w.abort();

    sendCompleteMessage(whole);

    assertEquals(before + 1, inboxCount(), "exactly the complete message was added");
    List<String> subjects = inboxSubjects();
    assertTrue(subjects.contains(whole), "complete message missing: " + subjects);
    assertFalse(subjects.contains(half), "half-received message was stored: " + subjects);
  }

  // ---- 4. SMTP smuggling ----

  @ParameterizedTest
  @ValueSource(strings = {"\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r"})
  void smugglingAttemptGetsExactlyOneReplyAndNoSecondMessage(String fakeEnd) throws Exception {
    int before = inboxCount();
    try (Wire w = smtpGreeted(node)) {
      assertTrue(w.smtp("MAIL FROM:<sender@example.org>").startsWith("250 "));
      assertTrue(w.smtp("RCPT TO:<demo@localhost>").startsWith("250 "));
      assertTrue(w.smtp("DATA").startsWith("354 "));
      w.send("Subject: smuggle-test\r\n\r\nbody" + fakeEnd + "MAIL FROM:<evil@example.org>\r\n"
          + "RCPT TO:<demo@localhost>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n");
      String reply = w.smtpReply();
      assertTrue(reply.startsWith("554 5.6.0") || reply.startsWith("250 "), "reply to DATA: " + reply);
      if (reply.startsWith("5")) {
        assertSmtpError("554 5.6.0", reply);
      }
      // the next reply is QUIT's: the smuggled MAIL/RCPT/DATA were never executed as commands
      String quit = w.smtp("QUIT");
      assertTrue(quit.startsWith("221 "), "expected 221 after the single DATA reply, got: " + quit);
      assertTrue(SMTP_CODED.matcher(quit).matches(), quit);
      int after = inboxCount();
      assertEquals(before + (reply.startsWith("250 ") ? 1 : 0), after);
    }
    assertFalse(inboxSubjects().contains("smuggled"), "a smuggled message was stored");
  }

  // ---- 5. SMTP command errors ----

  @Test
  void smtpCommandErrorsCarryEnhancedStatusCodes() throws Exception {
    try (Wire w = smtpGreeted(node)) {
      assertSmtpError("503 5.5.1", w.smtp("RCPT TO:<demo@localhost>"));
      assertSmtpError("500 5.5.1", w.smtp("FROBNICATE now"));
      assertTrue(w.smtp("MAIL FROM:<sender@example.org>").startsWith("250 "));
      assertSmtpError("550 5.1.1", w.smtp("RCPT TO:<nobody@localhost>"));
      assertSmtpError("554 5.7.1", w.smtp("RCPT TO:<x@example.com>"));
      // the transaction survives the rejected recipients
      assertTrue(w.smtp("RCPT TO:<demo@localhost>").startsWith("250 "));
      assertTrue(w.smtp("RSET").startsWith("250 "));
      assertTrue(w.smtp("QUIT").startsWith("221 "));
    }
  }

  // ---- 6. IMAP command errors ----

  @Test
  void imapUnknownCommandAndWrongStateAndBadSequenceGetCodedBad() throws Exception {
    try (Wire w = imapGreeted(node)) {
      assertImapError("u1 BAD", last(w.imap("u1", "FROBNICATE")));
      assertImapError("u2 BAD", last(w.imap("u2", "FETCH 1 FLAGS"))); // not even authenticated
      String r = last(w.imap("l1", "LOGIN demo@localhost \"" + node.password() + "\""));
      assertTrue(r.startsWith("l1 OK"), r);
      assertImapError("u3 BAD", last(w.imap("u3", "FETCH 1 FLAGS"))); // authenticated, nothing selected
      assertImapError("u4 BAD", last(w.imap("u4", "FROBNICATE INBOX")));
      List<String> sel = w.imap("s1", "SELECT INBOX");
      assertTrue(last(sel).startsWith("s1 OK"), last(sel));
      int exists = sel.stream().filter(l -> l.matches("\\* \\d+ EXISTS"))
          .mapToInt(l -> Integer.parseInt(l.split(" ")[1])).findFirst().orElseThrow();
      assertTrue(exists < 99, "test needs fewer than 99 messages, has " + exists);
      assertImapError("a1 BAD", last(w.imap("a1", "FETCH 99 FLAGS")));
      assertTrue(last(w.imap("n1", "NOOP")).startsWith("n1 OK"));
    }
  }

  @Test
  void imapUnterminatedQuoteGetsBadAndTheSessionContinues() throws Exception {
    try (Wire w = imapGreeted(node)) {
      assertImapError("a2 BAD", last(w.imap("a2", "LOGIN \"demo@localhost pass")));
      assertTrue(last(w.imap("n1", "NOOP")).startsWith("n1 OK"));
      // not counted as a failed login, and the decoder is clean: a correct LOGIN works
      String r = last(w.imap("l1", "LOGIN demo@localhost \"" + node.password() + "\""));
      assertTrue(r.startsWith("l1 OK"), r);
    }
  }

  @Test
  void imapWrongPasswordGetsNoAuthenticationFailed() throws Exception {
    try (Wire w = imapGreeted(node)) {
      assertImapError("a3 NO [AUTHENTICATIONFAILED]", last(w.imap("a3", "LOGIN demo@localhost wrongpass")));
      assertTrue(last(w.imap("n1", "NOOP")).startsWith("n1 OK"));
    }
  }

  @Test
  void imapSynchronisingLiteralOverTheConfiguredLimitGetsNoTooBigAndTheSessionContinues() throws Exception {
    try (Wire w = imapLoggedIn(smallLiteralNode)) {
      List<String> r = w.imap("a4", "APPEND INBOX {1025}");
      assertEquals(1, r.size(), "no continuation request for a refused literal: " + r);
      assertImapError("a4 NO [TOOBIG]", last(r));
      // the client sends no literal bytes; the next line is a fresh command
      List<String> noop = w.imap("n1", "NOOP");
      assertTrue(last(noop).startsWith("n1 OK"), last(noop));
      // a literal at the limit is still accepted
      w.send("a5 APPEND INBOX {1024}\r\n");
      String cont = w.requireLine();
      assertTrue(cont.startsWith("+"), cont);
      byte[] msg = new byte[1024];
      Arrays.fill(msg, (byte) 'y');
      byte[] head = "Subject: at-limit\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(head, 0, msg, 0, head.length);
      w.send(msg);
      w.send("\r\n");
      String appended = last(w.imapUntil("a5"));
      assertTrue(appended.startsWith("a5 OK"), appended);
    }
  }
}
