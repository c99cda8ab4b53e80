package org.mailhive.smtp.outbound;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.util.ByteString;

/**
 * A non-delivery report (RFC 3464 delivery status notification inside an RFC 6522 multipart/report): a human
 * readable part, the machine-readable message/delivery-status part with one block per failed recipient, and the
 * headers of the returned message as text/rfc822-headers (never the body: a bounce should not carry a large
 * message back, and RFC 3461 RET=HDRS is what most senders get from Postfix too). It is sent with the null
 * reverse-path {@code <>} (RFC 5321 §4.5.5), so a bounce is never bounced, and carries
 * {@code Auto-Submitted: auto-replied} (RFC 3834) so that vacation responders stay silent.
 */
public final class Bounce {
  private Bounce() {}

  static final String SUBJECT = "Undelivered Mail Returned to Sender";
  private static final DateTimeFormatter RFC5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
  // RFC 5322 §2.1.1: lines are at most 998 octets; a diagnostic from a remote server is cut well below that.
  private static final int MAX_DIAGNOSTIC = 500;

  /**
   * @param hostname this server, the Reporting-MTA
   * @param sender the original envelope sender, who gets the report
   * @param queueId our id of the message, for the admin who is asked about it
   * @param arrival when we queued it (epoch ms)
   * @param failed each failed recipient and what the last attempt said
   * @param original the message as queued; only its header section is returned
   */
  public static ByteString compose(String hostname, String sender, String queueId, long arrival,
                                   Map<String, RecipientResult> failed, ByteString original, long now) {
    String boundary = "=_mailhive_" + UUID.randomUUID();
    StringBuilder b = new StringBuilder()
        .append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n")
        .append("To: <").append(sender).append(">\r\n")
        .append("Subject: ").append(SUBJECT).append("\r\n")
        .append("Date: ").append(date(now)).append("\r\n")
        .append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n")
        .append("Auto-Submitted: auto-replied\r\n")
        .append("MIME-Version: 1.0\r\n")
        .append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"")
        .append(boundary).append("\"\r\n\r\nThis is a MIME-encapsulated message.\r\n\r\n");

    b.append("--").append(boundary).append("\r\n")
        .append("Content-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n")
        .append("This is the mail system at host ").append(hostname).append(".\r\n\r\n")
        .append("Your message could not be delivered to one or more recipients.\r\n")
        .append("It is attached below (headers only).\r\n\r\n");
    failed.forEach((rcpt, r) -> b.append("<").append(ascii(rcpt)).append(">: ")
        .append(r.remoteMta() == null ? "" : "host " + ascii(r.remoteMta()) + " said: ")
        .append(diagnostic(r.reply())).append("\r\n"));
    b.append("\r\n");

    // RFC 3464 §2.2: per-message fields, then §2.3: one block of per-recipient fields per recipient.
    b.append("--").append(boundary).append("\r\n")
        .append("Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n")
        .append("Reporting-MTA: dns; ").append(hostname).append("\r\n")
        .append("X-Mailhive-Queue-ID: ").append(queueId).append("\r\n")
        .append("Arrival-Date: ").append(date(arrival)).append("\r\n");
    failed.forEach((rcpt, r) -> {
      b.append("\r\nFinal-Recipient: rfc822; ").append(ascii(rcpt)).append("\r\n")
          .append("Action: failed\r\n")
          .append("Status: ").append(r.status()).append("\r\n");
      if (r.remoteMta() != null) {
        b.append("Remote-MTA: dns; ").append(ascii(r.remoteMta())).append("\r\n");
      }
      // RFC 3464 §2.3.6: "smtp" only for a reply an SMTP server gave; our own findings are X-Mailhive.
      b.append("Diagnostic-Code: ").append(r.remoteMta() != null ? "smtp; " : "X-Mailhive; ")
          .append(diagnostic(r.reply())).append("\r\n");
    });
    b.append("\r\n--").append(boundary).append("\r\n")
        .append("Content-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n");
    ByteString head = ByteString.fromString(b.toString(), StandardCharsets.US_ASCII);
    ByteString tail = ByteString.fromString("\r\n--" + boundary + "--\r\n", StandardCharsets.US_ASCII);
    return head.concat(headerSection(original)).concat(tail);
  }

  /** The header section of a message, up to but not including the empty line; ends with CRLF. */
  static ByteString headerSection(ByteString message) {
    for (int i = 0; i + 3 < message.size(); i++) {
      if (message.apply(i) == '\r' && message.apply(i + 1) == '\n' && message.apply(i + 2) == '\r'
          && message.apply(i + 3) == '\n') {
        return message.take(i + 2);
      }
    }
    return message;
  }

  private static String diagnostic(String reply) {
    String s = ascii(reply == null ? "" : reply);
    return s.length() > MAX_DIAGNOSTIC ? s.substring(0, MAX_DIAGNOSTIC) : s;
  }

  // A remote reply or address may hold anything; the report's fields are one line of printable US-ASCII.
  private static String ascii(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? c : ' ');
    }
    return b.toString().trim();
  }

  private static String date(long epochMillis) {
    return RFC5322_DATE.format(ZonedDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault()));
  }
}
