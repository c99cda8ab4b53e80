package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * COMPRESS=DEFLATE (RFC 4978) with a client that really deflates and inflates: Python's zlib (raw DEFLATE,
 * wbits=-15) under imaplib, over plaintext, STARTTLS and implicit TLS, so compression sits inside TLS. The script
 * appends and fetches a 600 KB message under compression and runs commands after it; it would time out if the
 * server kept a reply in its compressor instead of ending each batch with a sync flush. A raw socket checks the
 * refusal of a pipelined COMPRESS and the end of a connection whose client does not send DEFLATE.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapCompressIT {
  private static final String PASSWORD = "compress-test-password";
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir, Map.of(), Map.of("plain@localhost", PASSWORD, "starttls@localhost", PASSWORD,
        "tls@localhost", PASSWORD, "raw@localhost", PASSWORD));
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "starttls", "tls"})
  void pythonZlibClientAppendsFetchesAndSearchesUnderCompression(String mode) throws Exception {
    Path script = Path.of(getClass().getResource("/clients/imap_compress.py").toURI());
    int port = mode.equals("tls") ? node.imapsPort() : node.imapPort();
    Process p = new ProcessBuilder("python3", script.toString(), "127.0.0.1", String.valueOf(port), mode,
        mode + "@localhost", PASSWORD).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python timed out");
    assertEquals(0, p.exitValue(), out);
    List<String> expected = new ArrayList<>();
    if (mode.equals("starttls")) {
      expected.add("starttls OK");
    }
    expected.addAll(List.of("login OK", "advertised True", "unknown BAD True", "compress OK", "noop OK",
        "append OK", "select OK", "fetch-identical OK True", "fetch-compressed True", "again NO True",
        "search OK 1", "logout BYE"));
    assertEquals(expected, out.lines().toList(), out);
  }

  @Test
  void pipelinedCompressIsRefusedAndBytesThatAreNotDeflateEndTheConnection() throws Exception {
    try (LineClient c = new LineClient(node.imapPort())) {
      c.line();
      assertTrue(LineClient.last(c.imap("l", "LOGIN raw@localhost " + PASSWORD)).startsWith("l OK"));
      // The client could not know whether to compress what follows COMPRESS before our OK: refused, run plain.
      c.send("a COMPRESS DEFLATE\r\nb NOOP\r\n");
      assertEquals("a BAD [CLIENTBUG] COMPRESS cannot be pipelined", c.line());
      assertEquals("b OK NOOP completed", c.line());
      assertEquals("c OK DEFLATE active", LineClient.last(c.imap("c", "COMPRESS DEFLATE")));
      // Plaintext where raw DEFLATE is due is not a valid DEFLATE block: the server closes the connection.
      c.send("d NOOP\r\n");
      assertNull(c.line(), "connection closed");
    }
  }
}
