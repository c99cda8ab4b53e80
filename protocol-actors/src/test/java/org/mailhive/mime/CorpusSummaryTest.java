package org.mailhive.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message of the shared MIME corpora (real, legacy and deliberately malformed mail) gets a summary whose
 * three values are each one well-formed parenthesized IMAP list.
 */
class CorpusSummaryTest {
  static Stream<Path> corpusMessages() throws IOException {
    Path root = ConformanceFiles.root();
    List<Path> files;
    try (Stream<Path> stalwart = Files.walk(root.resolve("mime-corpus/stalwart-mail-parser"));
         Stream<Path> james = Files.list(root.resolve("james-mpt/samples"))) {
      files = Stream.concat(
              stalwart.filter(p -> p.toString().endsWith(".eml")),
              james.filter(p -> p.toString().endsWith(".mail")))
          .sorted()
          .toList();
    }
    assertEquals(107 + 21, files.size(), "corpus size changed; update this test deliberately");
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpusMessages")
  void everyCorpusMessageGetsAWellFormedSummary(Path message) throws IOException {
    MessageSummary summary = MessageSummary.of(Files.readAllBytes(message));
    assertWellFormedList(summary.envelope());
    assertWellFormedList(summary.bodyStructure());
    assertWellFormedList(summary.body());
    assertTrue(summary.bodyStructure().length() >= summary.body().length());
  }

  /**
   * One list, parentheses balanced outside quoted strings and literals, and nothing after it. Walks octets because
   * a literal's length counts octets.
   */
  private static void assertWellFormedList(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    assertTrue(b.length > 0 && b[0] == '(', value);
    int depth = 0;
    int i = 0;
    while (i < b.length) {
      byte c = b[i];
      if (c == '"') {
        i++;
        while (i < b.length && b[i] != '"') {
          assertFalse(b[i] == '\r' || b[i] == '\n' || (b[i] & 0x80) != 0, "raw octet in quoted string: " + value);
          i += b[i] == '\\' ? 2 : 1;
        }
        assertTrue(i < b.length, "unterminated quoted string: " + value);
      } else if (c == '{') {
        int close = i;
        while (b[close] != '}') {
          close++;
        }
        int length = Integer.parseInt(new String(b, i + 1, close - i - 1, StandardCharsets.US_ASCII));
        assertEquals('\r', b[close + 1]);
        assertEquals('\n', b[close + 2]);
        i = close + 2 + length;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        assertTrue(depth >= 0, "unbalanced ')': " + value);
        if (depth == 0) {
          assertEquals(b.length - 1, i, "text after the list: " + value);
        }
      }
      i++;
    }
    assertEquals(0, depth, "unbalanced '(': " + value);
  }
}
