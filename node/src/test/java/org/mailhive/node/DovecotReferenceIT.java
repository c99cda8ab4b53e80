package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * FETCH BODYSTRUCTURE and ENVELOPE of every message of {@code ../shared/conformance/mime-corpus/} and
 * {@code james-mpt/samples/}, APPENDed to our server over a socket, against what Dovecot answered for the same
 * bytes (issue #4, acceptance 2). Dovecot's answers are committed in {@code src/test/resources/dovecot-reference/},
 * written by {@code scripts/dovecot-reference}, which CI does not run.
 *
 * <p>The only normalisation: a string is compared by its octets, whether it was sent quoted or as a literal (RFC 3501
 * §4.3: both are the same string; Dovecot sends a literal for any value that held a quote or a folded line, we only
 * when a quoted string cannot carry it). Everything else, from the case of a media type to a NIL versus an empty
 * string, must be equal.
 *
 * <p>Where we knowingly answer otherwise, {@code expected-differences.tsv} beside the fixtures lists the file, the
 * item and the reason, and DIFFERENCES.md gives the RFC text for each reason. A difference not listed fails, and so
 * does a listed difference that no longer occurs, so the table stays true.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DovecotReferenceIT {
  private static final Path CONFORMANCE = Path.of("..", "..", "shared", "conformance");
  private static final Path FIXTURES = Path.of("src", "test", "resources", "dovecot-reference");
  private static final String MAILBOX = "DovecotReference";
  private static final List<String> ITEMS = List.of("bodystructure", "envelope");
  /** The corpora the issue names; a change in their size should be a deliberate change here. */
  private static final int MESSAGES = 107 + 21;

  TestNode node;
  Socket socket;
  InputStream in;
  OutputStream out;
  /** Our values per "relative path.item", fetched once for all files. */
  final Map<String, ImapValue> ours = new HashMap<>();
  final Map<String, String> expectedDifferences = new LinkedHashMap<>();
  List<String> files;

  @BeforeAll
  void appendEveryMessageAndFetch(@TempDir Path dir) throws Exception {
    expectedDifferences.putAll(readExpectedDifferences());
    files = corpusFiles();
    assertEquals(MESSAGES, files.size(), "corpus size changed; regenerate the fixtures and update this test");
    node = TestNode.start(dir);
    socket = new Socket("127.0.0.1", node.imapPort());
    socket.setSoTimeout(20_000);
    in = new java.io.BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    response();
    command("l LOGIN demo@localhost \"" + node.password() + "\"");
    command("c CREATE " + MAILBOX);
    command("s SELECT " + MAILBOX);
    for (String file : files) {
      byte[] message = messageBytes(file);
      out.write(("a APPEND " + MAILBOX + " {" + message.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(message);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      tagged("a");
    }
    List<byte[]> fetched = command("f FETCH 1:* (ENVELOPE BODYSTRUCTURE)");
    for (byte[] line : fetched) {
      List<ImapValue> values = ImapValue.parseLine(line);
      if (values.size() == 4 && values.get(0).toString().equals("*") && values.get(2).toString().equals("FETCH")) {
        String file = files.get(Integer.parseInt(values.get(1).toString()) - 1);
        ImapValue.ListValue attributes = (ImapValue.ListValue) values.get(3);
        ours.put(file + ".envelope", attributes.item("ENVELOPE"));
        ours.put(file + ".bodystructure", attributes.item("BODYSTRUCTURE"));
      }
    }
    assertEquals(2 * MESSAGES, ours.size(), "one FETCH response per message");
  }

  @AfterAll
  void stop() throws Exception {
    if (socket != null) {
      socket.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyBodyStructureAndEnvelopeIsDovecotsOrAListedDifference() {
    return files.stream().flatMap(file -> ITEMS.stream().map(item -> DynamicTest.dynamicTest(file + " " + item,
        () -> {
          String key = file + "." + item;
          ImapValue dovecot = dovecot(key);
          ImapValue mine = ours.get(key);
          String reason = expectedDifferences.get(key);
          if (reason == null) {
            assertEquals(dovecot.toString(), mine.toString(), key + ": ours differs from Dovecot's");
            assertEquals(dovecot, mine, key);
          } else {
            assertTrue(!dovecot.equals(mine), key + " is listed as a difference (" + reason
                + ") but now matches Dovecot: remove it from expected-differences.tsv and DIFFERENCES.md");
          }
        })));
  }

  @Test
  void everyListedDifferenceNamesAFixtureAndADocumentedReason() throws IOException {
    String doc = Files.readString(FIXTURES.resolve("DIFFERENCES.md"), StandardCharsets.UTF_8);
    for (Map.Entry<String, String> e : expectedDifferences.entrySet()) {
      assertTrue(Files.isRegularFile(FIXTURES.resolve(e.getKey())), "no fixture " + e.getKey());
      for (String reason : e.getValue().split("\\+")) {
        assertTrue(doc.contains("### `" + reason + "`"), "reason " + reason + " is not in DIFFERENCES.md");
      }
    }
  }

  /** Prints the tally the issue's acceptance asks for; the assertions are in the dynamic tests. */
  @Test
  void tally() {
    int same = 0;
    for (String key : ours.keySet()) {
      if (dovecot(key).equals(ours.get(key))) {
        same++;
      }
    }
    Map<String, Integer> byReason = new TreeMap<>();
    expectedDifferences.values().forEach(r -> byReason.merge(r, 1, Integer::sum));
    System.out.println("Dovecot reference: " + files.size() + " messages, " + ours.size() + " values, " + same
        + " equal to Dovecot's, " + (ours.size() - same) + " different; listed differences by reason: " + byReason);
    assertTrue(same > 0);
  }

  private static ImapValue dovecot(String key) {
    try {
      byte[] fixture = Files.readAllBytes(FIXTURES.resolve(key));
      int headerEnd = 0;
      while (fixture[headerEnd] != '\n') {
        headerEnd++;
      }
      byte[] value = new byte[fixture.length - headerEnd - 1];
      System.arraycopy(fixture, headerEnd + 1, value, 0, value.length);
      return ImapValue.parse(value);
    } catch (IOException e) {
      return fail("no Dovecot answer for " + key + "; run scripts/dovecot-reference", e);
    }
  }

  /** Every *.eml under mime-corpus/ and *.mail under james-mpt/samples/, as paths relative to the conformance root. */
  private static List<String> corpusFiles() throws IOException {
    List<String> files = new ArrayList<>();
    for (String[] corpus : new String[][] {{"mime-corpus", ".eml"}, {"james-mpt/samples", ".mail"}}) {
      try (Stream<Path> walk = Files.walk(CONFORMANCE.resolve(corpus[0]))) {
        walk.filter(p -> p.toString().endsWith(corpus[1]))
            .map(p -> CONFORMANCE.relativize(p).toString().replace('\\', '/'))
            .forEach(files::add);
      }
    }
    files.sort(null);
    return files;
  }

  /**
   * The bytes scripts/dovecot-reference APPENDed for this file: James' licence block cut off its samples, and bare
   * LF or CR made CRLF, as every IMAP client does before APPEND (RFC 3501 §6.3.11: the message is in RFC 5322
   * form, whose lines end in CRLF).
   */
  private static byte[] messageBytes(String file) throws IOException {
    String octets = new String(Files.readAllBytes(CONFORMANCE.resolve(file)), StandardCharsets.ISO_8859_1);
    if (file.startsWith("james-mpt/samples/")) {
      octets = octets.replaceFirst("\\A(#[^\\n]*\\n)+([ \\t\\r]*\\n)*", "");
    }
    return octets.replaceAll("\\r\\n|\\r(?!\\n)|\\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * expected-differences.tsv: "path.item TAB reason" per line; '#' lines are comments. Each line is one FETCH value
   * where our answer knowingly differs from Dovecot's.
   */
  private static Map<String, String> readExpectedDifferences() throws IOException {
    Map<String, String> table = new LinkedHashMap<>();
    for (String line : Files.readAllLines(FIXTURES.resolve("expected-differences.tsv"), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split("\t");
      assertEquals(2, cells.length, "expected-differences.tsv line: " + line);
      assertTrue(table.put(cells[0], cells[1]) == null, "listed twice: " + cells[0]);
    }
    return table;
  }

  private List<byte[]> command(String command) throws IOException {
    out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return tagged(command.substring(0, command.indexOf(' ')));
  }

  /** The responses up to and including the tagged one, which must be OK. */
  private List<byte[]> tagged(String tag) throws IOException {
    List<byte[]> lines = new ArrayList<>();
    while (true) {
      byte[] line = response();
      lines.add(line);
      if (startsWith(line, tag + " ")) {
        expectOk(tag, line);
        return lines;
      }
    }
  }

  private static void expectOk(String tag, byte[] line) {
    assertTrue(startsWith(line, tag + " OK"), new String(line, StandardCharsets.ISO_8859_1));
  }

  private static boolean startsWith(byte[] line, String prefix) {
    return new String(line, StandardCharsets.ISO_8859_1).startsWith(prefix);
  }

  private static final Pattern LITERAL_AT_END = Pattern.compile("~?\\{(\\d+)\\}\r\n$");

  /** One response line with its CRLF; literals it announces are read into it, with the rest of the line. */
  private byte[] response() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed");
      }
      line.write(c);
      if (c == '\n') {
        Matcher m = LITERAL_AT_END.matcher(line.toString(StandardCharsets.ISO_8859_1));
        if (!m.find()) {
          return line.toByteArray();
        }
        line.write(in.readNBytes(Integer.parseInt(m.group(1))));
      }
    }
  }
}
