package org.mailhive.smtp.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class BounceTest {
  private static final String ORIGINAL = "Received: from x\r\n\tby y; Tue, 1 Jan 2030 00:00:00 +0000\r\n"
      + "From: alice@example.org\r\nTo: bob@remote.test\r\nSubject: hello\r\n\r\nsecret body line\r\n";

  private static MimeMessage parse(ByteString b) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(b.toArray()));
  }

  private static String text(BodyPart p) throws Exception {
    Object c = p.getContent();
    if (c instanceof String s) {
      return s;
    }
    try (InputStream in = (InputStream) c; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      in.transferTo(out);
      return out.toString(StandardCharsets.US_ASCII);
    }
  }

  private static ByteString bounce(Map<String, RecipientResult> failed) {
    return Bounce.compose("mx.example.org", "alice@example.org", "q-1", 1_700_000_000_000L, failed,
        ByteString.fromString(ORIGINAL, StandardCharsets.US_ASCII), 1_700_000_060_000L);
  }

  @Test
  void aBounceIsAMultipartReportWithOneDeliveryStatusBlockPerFailedRecipient() throws Exception {
    Map<String, RecipientResult> failed = new LinkedHashMap<>();
    failed.put("bob@remote.test", new RecipientResult(RecipientResult.Kind.PERMANENT,
        "550 5.1.1 <bob@remote.test>: Recipient address rejected: User unknown", "mx.remote.test"));
    failed.put("carol@remote.test", new RecipientResult(RecipientResult.Kind.TRANSIENT,
        "451 4.4.7 Message expired after 5 days in the queue", null));
    MimeMessage m = parse(bounce(failed));
    assertTrue(m.getContentType().startsWith("multipart/report"), m.getContentType());
    assertTrue(m.getContentType().contains("report-type=delivery-status"), m.getContentType());
    assertEquals("<alice@example.org>", m.getHeader("To")[0]);
    assertEquals("auto-replied", m.getHeader("Auto-Submitted")[0]);
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertEquals(3, parts.getCount());
    assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
    assertTrue(parts.getBodyPart(1).isMimeType("message/delivery-status"));
    assertTrue(parts.getBodyPart(2).isMimeType("text/rfc822-headers"));

    String status = text(parts.getBodyPart(1));
    assertTrue(status.startsWith("Reporting-MTA: dns; mx.example.org\r\n"), status);
    assertTrue(status.contains("\r\n\r\nFinal-Recipient: rfc822; bob@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        + "Remote-MTA: dns; mx.remote.test\r\nDiagnostic-Code: smtp; 550 5.1.1 <bob@remote.test>: Recipient address"
        + " rejected: User unknown\r\n"), status);
    assertTrue(status.contains("Final-Recipient: rfc822; carol@remote.test\r\nAction: failed\r\nStatus: 4.4.7\r\n"
        + "Diagnostic-Code: X-Mailhive; 451 4.4.7"), status);
  }

  @Test
  void onlyTheHeadersOfTheReturnedMessageComeBack() throws Exception {
    MimeMessage m = parse(bounce(Map.of("bob@remote.test",
        new RecipientResult(RecipientResult.Kind.PERMANENT, "554 5.7.1 rejected", "mx.remote.test"))));
    String headers = text(((MimeMultipart) m.getContent()).getBodyPart(2));
    assertTrue(headers.contains("Subject: hello\r\n"), headers);
    assertFalse(headers.contains("secret body line"), headers);
  }

  @Test
  void aRemoteReplyWithControlCharactersCannotBreakTheReport() throws Exception {
    MimeMessage m = parse(bounce(Map.of("bob@remote.test", new RecipientResult(RecipientResult.Kind.PERMANENT,
        "550 5.7.1 no\r\nContent-Type: text/html\r\n\r\n<script>", "mx.remote.test"))));
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertEquals(3, parts.getCount());
    String status = text(parts.getBodyPart(1));
    assertTrue(status.contains("Diagnostic-Code: smtp; 550 5.7.1 no  Content-Type: text/html    <script>\r\n"), status);
  }

  @Test
  void theStatusComesFromTheEnhancedCodeOrElseFromTheBasicCode() {
    assertEquals("5.2.2", new RecipientResult(RecipientResult.Kind.PERMANENT, "552 5.2.2 Mailbox full", "h").status());
    assertEquals("5.0.0", new RecipientResult(RecipientResult.Kind.PERMANENT, "550 No such user", "h").status());
    assertEquals("4.0.0", new RecipientResult(RecipientResult.Kind.TRANSIENT, "connection refused", null).status());
  }
}
