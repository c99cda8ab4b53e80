package org.mailhive.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmtpClientTest {
  private static String stuffed(String s) {
    return new String(SmtpClient.dotStuffed(s.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII);
  }

  @Test
  void linesStartingWithADotGetAnotherAndTheMessageEndsWithCrLfDotCrLf() {
    assertEquals("a\r\n..b\r\n.\r\n", stuffed("a\r\n.b\r\n"));
    assertEquals("..\r\nx\r\n.\r\n", stuffed(".\r\nx"));
  }

  @Test
  void responseCodesBecomeTheKindsAReportGroupsBy() {
    assertEquals("5xx", new SmtpReply(550, "5.1.1 no").kind());
    assertEquals("NO [OVERQUOTA]", new ImapResponse("NO", "[OVERQUOTA] full", java.util.List.of(), 0).kind());
    assertEquals("BAD", new ImapResponse("BAD", "what", java.util.List.of(), 0).kind());
  }
}
