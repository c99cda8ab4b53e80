package org.mailhive.mime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks our FETCH values against the expected lines of Apache James' MPT scripts, using the very messages the
 * scripts APPEND.
 *
 * <p>James upper-cases media types, subtypes and encodings ({@code "TEXT" "PLAIN" ... "7BIT"}) where we keep the
 * header's case, as Dovecot does; RFC 3501 §7.4.2 makes them case-insensitive, so BODY and BODYSTRUCTURE lines are
 * compared ignoring case. ENVELOPE lines are compared exactly.
 *
 * <p>Left out, because James makes a choice there that Dovecot and we do not: message 1 of
 * FetchMultipartBodyStructure and messages 1, 2 and 5 of FetchStructureComplex, where James sorts parameters by
 * name and we keep them in header order (two of them also carry a Content-MD5, which James, Dovecot and we now all
 * report as sent).
 */
class JamesScriptExpectationsTest {
  static Stream<Arguments> expectations() {
    return Stream.of(
        arguments("FetchEnvelope.test", 0, "f2 FETCH 5 (ENVELOPE)", 5),
        arguments("FetchEnvelope.test", 1, "f3 FETCH 6 (ENVELOPE)", 6),
        arguments("FetchSimpleBodyStructure.test", 0, "A28 FETCH 1:* (BODY BODYSTRUCTURE)", 1),
        arguments("FetchSimpleBodyStructure.test", 1, "A28 FETCH 1:* (BODY BODYSTRUCTURE)", 2),
        arguments("FetchMultipartBodyStructure.test", 1, "A27 FETCH 1:* (BODY BODYSTRUCTURE)", 2),
        arguments("FetchStructureEmbedded.test", 0, "A25 FETCH 1:* (BODY BODYSTRUCTURE)", 1),
        arguments("FetchStructureComplex.test", 2, "A131 FETCH 1:* (BODY BODYSTRUCTURE)", 3),
        arguments("FetchStructureComplex.test", 3, "A131 FETCH 1:* (BODY BODYSTRUCTURE)", 4));
  }

  @ParameterizedTest(name = "{0} message {3}")
  @MethodSource("expectations")
  void fetchResponseMatchesTheScript(String script, int appendIndex, String command, int sequence)
      throws IOException {
    List<String> lines = Files.readAllLines(
        ConformanceFiles.root().resolve("james-mpt/imap").resolve(script), StandardCharsets.ISO_8859_1);
    MessageSummary summary = MessageSummary.of(appendedMessages(lines).get(appendIndex));
    String expected = expectedLine(lines, command, sequence);

    boolean envelope = command.endsWith("(ENVELOPE)");
    String actual = envelope
        ? "* " + sequence + " FETCH (ENVELOPE " + summary.envelope() + ")"
        : "* " + sequence + " FETCH (BODY " + summary.body() + " BODYSTRUCTURE " + summary.bodyStructure() + ")";
    Pattern pattern = envelope ? Pattern.compile(expected) : Pattern.compile(expected, Pattern.CASE_INSENSITIVE);
    assertTrue(pattern.matcher(actual).matches(), () -> "expected /" + expected + "/\n but got " + actual);
  }

  /**
   * The literal of each {@code C: ... APPEND mailbox {N+}} line: the next {@code C:} lines, each with CRLF, cut to
   * N octets (the README's rule for MPT scripts).
   */
  private static List<byte[]> appendedMessages(List<String> lines) {
    Pattern append = Pattern.compile("C: \\S+ APPEND \\S+ \\{(\\d+)\\+?\\}");
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      var m = append.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      int size = Integer.parseInt(m.group(1));
      StringBuilder literal = new StringBuilder();
      for (int j = i + 1; literal.length() < size && j < lines.size(); j++) {
        String line = lines.get(j);
        if (line.startsWith("C:")) {
          literal.append(line.startsWith("C: ") ? line.substring(3) : line.substring(2)).append("\r\n");
        }
      }
      messages.add(literal.substring(0, size).getBytes(StandardCharsets.ISO_8859_1));
    }
    return messages;
  }

  private static String expectedLine(List<String> lines, String command, int sequence) {
    int start = lines.indexOf("C: " + command);
    String prefix = "S: \\* " + sequence + " FETCH";
    return lines.subList(start, lines.size()).stream()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .map(l -> l.substring(3))
        .orElseThrow(() -> new AssertionError("no expected line for " + command + " message " + sequence));
  }
}
