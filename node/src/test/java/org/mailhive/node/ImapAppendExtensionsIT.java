package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.directory.DirectoryEntry;
import org.mailhive.directory.UserDirectory;

/**
 * Issue #4 extensions over real sockets on one in-process node: MULTIAPPEND (RFC 3502) stores all messages or none
 * and reports them with APPENDUID (RFC 4315); BINARY (RFC 3516) returns decoded parts and their sizes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapAppendExtensionsIT {
  static final String FULL_USER = "full@localhost";
  static final String PASSWORD = "f-pw";
  /** Small, so a MULTIAPPEND whose third literal is too big is cheap to send. */
  static final int LITERAL_LIMIT = 4096;
  static final Pattern APPENDUID = Pattern.compile("^a OK \\[APPENDUID (\\d+) (\\d+):(\\d+)\\] .*");
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir, Map.of("mailhive.imap.limits.max-literal-size", LITERAL_LIMIT + "b"),
        Map.of(FULL_USER, PASSWORD));
    UserDirectory directory = node.node.directory();
    DirectoryEntry.User u = directory.userEntry(FULL_USER).orElseThrow();
    // Room for two messages: the third of a MULTIAPPEND goes over the quota.
    directory.putUser(new DirectoryEntry.User(u.address(), u.realName(), u.passwordHash(), true, 1024 * 1024, 2, null))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private LineClient login(String user, String password) throws Exception {
    LineClient c = new LineClient(node.imapPort());
    c.line();
    assertTrue(LineClient.last(c.imap("l", "LOGIN " + user + " \"" + password + "\"")).startsWith("l OK"));
    return c;
  }

  private LineClient demo() throws Exception {
    return login("demo@localhost", node.password());
  }

  private static String literal(String message) {
    return "{" + message.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + message;
  }

  private static String message(String subject) {
    return "From: a@localhost\r\nSubject: " + subject + "\r\n\r\nbody of " + subject + "\r\n";
  }

  private static long messages(LineClient c, String mailbox) throws Exception {
    List<String> status = c.imap("s", "STATUS " + mailbox + " (MESSAGES)");
    Matcher m = Pattern.compile("MESSAGES (\\d+)").matcher(status.get(0));
    assertTrue(m.find(), status.toString());
    return Long.parseLong(m.group(1));
  }

  @Test
  void multiappendOfThreeMessagesGetsAppendUidWithThreeUids() throws Exception {
    try (LineClient c = demo()) {
      assertTrue(LineClient.last(c.imap("c", "CREATE Multi")).startsWith("c OK"));
      assertTrue(c.imap("k", "CAPABILITY").get(0).contains(" MULTIAPPEND"));
      String reply = LineClient.last(c.imap("a", "APPEND Multi (\\Seen) " + literal(message("one"))
          + " (\\Flagged) \"7-Feb-1994 21:52:25 -0800\" " + literal(message("two")) + " " + literal(message("three"))));
      Matcher m = APPENDUID.matcher(reply);
      assertTrue(m.matches(), reply);
      long first = Long.parseLong(m.group(2));
      assertEquals(first + 2, Long.parseLong(m.group(3)));
      assertTrue(LineClient.last(c.imap("e", "EXAMINE Multi")).startsWith("e OK"));
      List<String> fetched = c.imap("f", "UID FETCH " + first + ":* (FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (Subject)])");
      String all = String.join("\n", fetched);
      assertTrue(fetched.get(0).contains("UID " + first + " FLAGS (") && fetched.get(0).contains("\\Seen)"), all);
      assertTrue(all.contains("UID " + (first + 1) + " FLAGS (\\Flagged"), all);
      assertTrue(all.indexOf("Subject: one") < all.indexOf("Subject: two")
          && all.indexOf("Subject: two") < all.indexOf("Subject: three"), all);
      assertEquals(3, messages(c, "Multi"));
    }
  }

  @Test
  void multiappendWhoseThirdMessageGoesOverQuotaStoresNone() throws Exception {
    try (LineClient c = login(FULL_USER, PASSWORD)) {
      long before = messages(c, "INBOX");
      String reply = LineClient.last(c.imap("a", "APPEND INBOX " + literal(message("q1")) + " "
          + literal(message("q2")) + " " + literal(message("q3"))));
      assertTrue(reply.startsWith("a NO [OVERQUOTA] "), reply);
      assertEquals(before, messages(c, "INBOX"), "none of the three is stored");
      assertEquals("n OK NOOP completed", LineClient.last(c.imap("n", "NOOP")));
    }
  }

  @Test
  void multiappendWhoseThirdLiteralIsTooBigStoresNone() throws Exception {
    try (LineClient c = demo()) {
      assertTrue(LineClient.last(c.imap("c", "CREATE TooBig")).startsWith("c OK"));
      // Synchronising: the server refuses the third literal before it is sent, and the client sends no bytes.
      String reply = LineClient.last(c.imap("a", "APPEND TooBig " + literal(message("b1")) + " "
          + literal(message("b2")) + " {" + (LITERAL_LIMIT + 1) + "}"));
      assertTrue(reply.startsWith("a NO [TOOBIG] "), reply);
      // Non-synchronising (LITERAL+): its bytes arrive anyway and are skipped.
      String big = "x".repeat(LITERAL_LIMIT + 1);
      String plus = LineClient.last(c.imap("b", "APPEND TooBig " + literal(message("b1")) + " "
          + literal(message("b2")) + " {" + big.length() + "+}\r\n" + big));
      assertTrue(plus.startsWith("b BAD [TOOBIG] "), plus);
      assertEquals(0, messages(c, "TooBig"), "none of the messages is stored");
    }
  }

  /** A message with a base64 attachment that holds every byte value, NUL included. */
  private static byte[] attachment() {
    byte[] b = new byte[512];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  private static String withAttachment() {
    return "From: a@localhost\r\nSubject: binary\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n"
        + "--sep\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "caf=C3=A9\r\n"
        + "--sep\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + Base64.getMimeEncoder().encodeToString(attachment()) + "\r\n"
        + "--sep--\r\n";
  }

  @Test
  void binaryFetchOfABase64AttachmentIsWhatJakartaMailDecodes() throws Exception {
    String raw = withAttachment();
    MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()),
        new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    byte[] expected = ((Multipart) parsed.getContent()).getBodyPart(1).getInputStream().readAllBytes();
    assertArrayEquals(attachment(), expected);
    try (LineClient c = demo()) {
      assertTrue(c.imap("k", "CAPABILITY").get(0).contains(" BINARY"));
      assertTrue(LineClient.last(c.imap("c", "CREATE Bin")).startsWith("c OK"));
      assertTrue(LineClient.last(c.imap("a", "APPEND Bin " + literal(raw))).startsWith("a OK"));
      assertTrue(LineClient.last(c.imap("s", "SELECT Bin")).startsWith("s OK"));

      c.send("f FETCH 1 (BINARY.SIZE[2] BINARY.SIZE[1])\r\n");
      assertEquals("* 1 FETCH (BINARY.SIZE[2] " + expected.length + " BINARY.SIZE[1] 5)", c.line());
      assertEquals("f OK FETCH completed", c.line());

      c.send("g FETCH 1 BINARY[2]\r\n");
      // The decoded data holds NUL, so it comes as literal8 (RFC 3516 §4.2); fetching it sets \Seen.
      String head = c.line();
      assertTrue(head.startsWith("* 1 FETCH (") && head.endsWith("BINARY[2] ~{" + expected.length + "}"), head);
      assertArrayEquals(expected, c.bytes(expected.length));
      assertEquals(")", c.line());
      assertEquals("g OK FETCH completed", c.line());
      assertTrue(c.imap("h", "FETCH 1 FLAGS").get(0).contains("\\Seen"));

      c.send("p FETCH 1 BINARY.PEEK[1]<1.3>\r\n");
      assertEquals("* 1 FETCH (BINARY[1]<1> {3}", c.line());
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      text.write(c.bytes(3));
      assertEquals("af\u00c3", text.toString(StandardCharsets.ISO_8859_1));
      assertEquals(")", c.line());
      assertEquals("p OK FETCH completed", c.line());
    }
  }

  @Test
  void appendWithALiteral8StoresTheBytesAsSent() throws Exception {
    try (LineClient c = demo()) {
      assertTrue(LineClient.last(c.imap("c", "CREATE Bin8")).startsWith("c OK"));
      byte[] body = ("Subject: nul\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
          + "\r\na\0b\0c").getBytes(StandardCharsets.US_ASCII);
      ByteArrayOutputStream cmd = new ByteArrayOutputStream();
      cmd.write(("a APPEND Bin8 ~{" + body.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
      c.send(cmd.toByteArray());
      assertTrue(c.line().startsWith("+ "), "a synchronising literal8 waits for the continuation");
      c.send(body);
      c.send("\r\n");
      assertTrue(c.line().startsWith("a OK [APPENDUID "));
      assertTrue(LineClient.last(c.imap("s", "SELECT Bin8")).startsWith("s OK"));
      c.send("f FETCH 1 BINARY.PEEK[1]\r\n");
      assertEquals("* 1 FETCH (BINARY[1] ~{5}", c.line());
      assertArrayEquals(new byte[] {'a', 0, 'b', 0, 'c'}, c.bytes(5));
      assertEquals(")", c.line());
      assertEquals("f OK FETCH completed", c.line());
    }
  }

  @Test
  void binaryOfAPartWithAnUnknownEncodingIsRefusedWithUnknownCte() throws Exception {
    String raw = "From: a@localhost\r\nSubject: odd\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-rot13\r\n\r\nnop\r\n";
    try (LineClient c = demo()) {
      assertTrue(LineClient.last(c.imap("c", "CREATE Odd")).startsWith("c OK"));
      assertTrue(LineClient.last(c.imap("a", "APPEND Odd " + literal(raw))).startsWith("a OK"));
      assertTrue(LineClient.last(c.imap("s", "SELECT Odd")).startsWith("s OK"));
      List<String> reply = c.imap("f", "FETCH 1 BINARY[1]");
      assertEquals(List.of("f NO [UNKNOWN-CTE] Cannot decode the Content-Transfer-Encoding of part 1"), reply);
      assertTrue(!c.imap("g", "FETCH 1 FLAGS").get(0).contains("\\Seen"), "a refused BINARY does not set \\Seen");
    }
  }

  /** "Entwürfe/日本" in modified UTF-7 (RFC 3501 §5.1.3), as a session without UTF8=ACCEPT sees it. */
  static final String UTF8_NAME = "Entw\u00fcrfe/\u65e5\u672c";
  static final String MUTF7_NAME = "Entw&APw-rfe/&ZeVnLA-";

  @Test
  void utf8MailboxNamesAfterEnableAreModifiedUtf7ForOtherSessions() throws Exception {
    try (LineClient u = demo(); LineClient plain = demo()) {
      assertTrue(u.imap("k", "CAPABILITY").get(0).contains(" UTF8=ACCEPT"));
      assertEquals(List.of("* ENABLED UTF8=ACCEPT", "e OK ENABLE completed"), u.imap("e", "ENABLE UTF8=ACCEPT"));
      assertTrue(LineClient.last(u.imap("c", "CREATE \"" + UTF8_NAME + "\"")).startsWith("c OK"));
      List<String> list = u.imap("l", "LIST \"\" \"Entw\u00fcrfe*\"");
      assertTrue(list.contains("* LIST (\\HasNoChildren) \"/\" \"" + UTF8_NAME + "\""), list.toString());
      assertTrue(list.contains("* LIST (\\HasChildren) \"/\" \"Entw\u00fcrfe\""), list.toString());
      assertTrue(LineClient.last(u.imap("s", "SELECT \"" + UTF8_NAME + "\"")).startsWith("s OK"));
      assertEquals("* STATUS \"" + UTF8_NAME + "\" (MESSAGES 0)", u.imap("t", "STATUS \"" + UTF8_NAME + "\" (MESSAGES)").get(0));

      List<String> seen = plain.imap("l", "LIST \"\" \"Entw*\"");
      assertTrue(seen.contains("* LIST (\\HasNoChildren) \"/\" \"" + MUTF7_NAME + "\""), seen.toString());
      assertTrue(LineClient.last(plain.imap("s", "SELECT \"" + MUTF7_NAME + "\"")).startsWith("s OK"));
      assertTrue(LineClient.last(plain.imap("c", "CREATE \"" + UTF8_NAME + "2\"")).startsWith("c NO [CANNOT]"),
          "without UTF8=ACCEPT an 8-bit name is not a valid modified UTF-7 name");
    }
  }

  @Test
  void utf8AppendKeepsUnencodedHeadersAndSearchCharsetIsRefusedAfterEnable() throws Exception {
    byte[] message = ("From: J\u00f6rg <joerg@localhost>\r\nSubject: Gr\u00fc\u00dfe\r\n\r\nHallo\r\n")
        .getBytes(StandardCharsets.UTF_8);
    try (LineClient u = demo()) {
      assertTrue(LineClient.last(u.imap("c", "CREATE Utf8Box")).startsWith("c OK"));
      assertTrue(LineClient.last(u.imap("a", "APPEND Utf8Box UTF8 (~{1+}\r\nx)"))
          .startsWith("a BAD [PARSE] "), "the UTF8 data item needs ENABLE UTF8=ACCEPT");
      u.imap("e", "ENABLE UTF8=ACCEPT");
      String text = new String(message, StandardCharsets.UTF_8);
      assertTrue(LineClient.last(u.imap("a", "APPEND Utf8Box UTF8 (~{" + message.length + "+}\r\n" + text + ")"))
          .startsWith("a OK [APPENDUID "));
      assertTrue(LineClient.last(u.imap("s", "SELECT Utf8Box")).startsWith("s OK"));
      String envelope = String.join("\n", u.imap("f", "FETCH 1 ENVELOPE"));
      assertTrue(envelope.contains("Gr\u00fc\u00dfe") && envelope.contains("J\u00f6rg"), envelope);
      assertTrue(LineClient.last(u.imap("x", "SEARCH CHARSET UTF-8 ALL")).startsWith("x BAD [PARSE] "));
      assertEquals("* SEARCH 1", u.imap("y", "SEARCH SUBJECT \"Gr\u00fc\u00dfe\"").get(0));
    }
  }
}
