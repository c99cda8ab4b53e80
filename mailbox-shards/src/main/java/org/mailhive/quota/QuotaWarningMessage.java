package org.mailhive.quota;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import org.apache.pekko.util.ByteString;

/**
 * The warning mail a user gets when a delivery takes its mailbox to the warning level: from postmaster@ of the
 * user's domain, in plain US-ASCII text with the usage numbers, so every client shows it as it is.
 */
public final class QuotaWarningMessage {
  private QuotaWarningMessage() {}

  private static final DateTimeFormatter RFC5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  public static String subject(int percent) {
    return "Your mailbox is " + percent + "% full";
  }

  public static ByteString of(String user, Quota quota, Usage usage, int percent, String hostname, ZonedDateTime now) {
    String domain = user.substring(user.lastIndexOf('@') + 1);
    StringBuilder body = new StringBuilder()
        .append("Your mailbox ").append(user).append(" has reached ").append(percent).append("% of its quota.\r\n\r\n");
    if (quota.maxBytes() > 0) {
      body.append("Storage:  ").append(usage.bytes()).append(" of ").append(quota.maxBytes()).append(" bytes used (")
          .append(usage.bytes() * 100 / quota.maxBytes()).append("%)\r\n");
    }
    if (quota.maxMessages() > 0) {
      body.append("Messages: ").append(usage.messages()).append(" of ").append(quota.maxMessages()).append(" used (")
          .append(usage.messages() * 100 / quota.maxMessages()).append("%)\r\n");
    }
    body.append("\r\nWhen the mailbox is full, new mail to you is refused. Please delete messages you no longer\r\n")
        .append("need (and empty the Trash folder), or ask your administrator for a larger quota.\r\n");
    String text = "From: Postmaster <postmaster@" + domain + ">\r\n"
        + "To: <" + user + ">\r\n"
        + "Subject: " + subject(percent) + "\r\n"
        + "Date: " + RFC5322_DATE.format(now) + "\r\n"
        + "Message-ID: <quota-" + UUID.randomUUID() + "@" + hostname + ">\r\n"
        // RFC 3834 §5: an automatic message, so that no autoresponder answers it.
        + "Auto-Submitted: auto-generated\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=us-ascii\r\n"
        + "\r\n"
        + body;
    return ByteString.fromString(text, StandardCharsets.US_ASCII);
  }
}
