package org.mailhive.smtp.session;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import org.apache.pekko.util.ByteString;

/**
 * RFC 6409 §8.2 and §8.3: a submission server may add the Date and Message-ID a client left out, because
 * RFC 5322 §3.6 requires Date and recommends Message-ID. Only the header block (up to the first empty line) is
 * looked at; the new fields go at its top.
 */
final class SubmissionHeaders {
  private SubmissionHeaders() {}

  private static final DateTimeFormatter RFC5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  static ByteString complete(ByteString message, String hostname) {
    String header = headerBlock(message);
    StringBuilder added = new StringBuilder();
    if (!hasField(header, "Date")) {
      added.append("Date: ").append(RFC5322_DATE.format(ZonedDateTime.now())).append("\r\n");
    }
    if (!hasField(header, "Message-ID")) {
      added.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n");
    }
    return added.length() == 0 ? message
        : ByteString.fromString(added.toString(), StandardCharsets.US_ASCII).concat(message);
  }

  private static String headerBlock(ByteString message) {
    String text = message.take(1024 * 1024).decodeString(StandardCharsets.ISO_8859_1);
    if (text.startsWith("\r\n")) {
      return "";
    }
    int end = text.indexOf("\r\n\r\n");
    return "\r\n" + (end < 0 ? text : text.substring(0, end + 2));
  }

  private static boolean hasField(String header, String name) {
    return header.toLowerCase(Locale.ROOT).contains("\r\n" + name.toLowerCase(Locale.ROOT) + ":");
  }
}
