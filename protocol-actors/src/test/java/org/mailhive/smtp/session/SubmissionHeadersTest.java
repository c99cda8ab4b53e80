package org.mailhive.smtp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class SubmissionHeadersTest {
  private static String complete(String message) {
    return SubmissionHeaders.complete(ByteString.fromString(message, StandardCharsets.UTF_8), "mx.example")
        .decodeString(StandardCharsets.UTF_8);
  }

  @Test
  void addsDateAndMessageIdWhenBothAreMissing() {
    String out = complete("Subject: hi\r\n\r\nbody\r\n");
    assertTrue(out.matches("(?s)Date: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n"
        + "Message-ID: <[0-9a-f-]{36}@mx\\.example>\r\nSubject: hi\r\n\r\nbody\r\n"), out);
  }

  @Test
  void keepsAMessageThatHasBothWhateverTheirCase() {
    String in = "subject: x\r\nMESSAGE-ID: <1@a>\r\ndate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody\r\n";
    assertEquals(in, complete(in));
  }

  @Test
  void fieldsInTheBodyDoNotCount() {
    String out = complete("Subject: x\r\n\r\nDate: in the body\r\nMessage-ID: <also@body>\r\n");
    assertTrue(out.startsWith("Date: ") && out.contains("\r\nMessage-ID: <"), out);
    assertEquals(2, out.split("Message-ID:", -1).length - 1);
  }

  @Test
  void addsOnlyWhatIsMissing() {
    String out = complete("Message-ID: <1@a>\r\n\r\nbody");
    assertTrue(out.startsWith("Date: "), out);
    assertEquals(1, out.split("Message-ID:", -1).length - 1);
  }
}
