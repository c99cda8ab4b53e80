package org.mailhive.imap.command;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.mailhive.mime.StreamProviderPin;

/**
 * Cuts a body section (RFC 3501 §6.4.5: "", HEADER, TEXT, HEADER.FIELDS[.NOT], MIME, part numbers) out of a
 * message's raw bytes. Whole-message sections are found by scanning for the blank line; numbered parts are
 * found with Jakarta Mail over a shared stream, so part bodies are slices of the original bytes, never
 * re-encoded. A section that does not exist is an empty string, as RFC 3501 asks.
 */
final class BodySections {
  static {
    StreamProviderPin.ensure();
  }

  private BodySections() {}

  static ByteString extract(ByteString message, FetchCommand.Section sec) {
    if (sec.part().isEmpty()) {
      return ofEntity(message, sec);
    }
    try {
      return ofPart(message, sec);
    } catch (MessagingException | IOException | RuntimeException e) {
      return ByteString.emptyByteString();
    }
  }

  private static ByteString ofEntity(ByteString entity, FetchCommand.Section sec) {
    int bodyStart = bodyStart(entity);
    ByteString header = entity.slice(0, bodyStart);
    return switch (sec.spec()) {
      case "" -> entity;
      case "HEADER", "MIME" -> header;
      case "TEXT" -> entity.slice(bodyStart, entity.size());
      case "HEADER.FIELDS" -> filterFields(header, sec.fields(), true);
      case "HEADER.FIELDS.NOT" -> filterFields(header, sec.fields(), false);
      default -> ByteString.emptyByteString();
    };
  }

  private static ByteString ofPart(ByteString message, FetchCommand.Section sec) throws MessagingException, IOException {
    Part part = part(message, sec.part());
    if (part == null) {
      return ByteString.emptyByteString();
    }
    ByteString headers = headersOf(part);
    if (sec.spec().equals("MIME")) {
      return headers;
    }
    ByteString content = rawContent(part);
    if (sec.spec().isEmpty()) {
      return content;
    }
    // HEADER, TEXT, HEADER.FIELDS of a part address the message inside a message/rfc822 part.
    return ofEntity(content, sec);
  }

  /**
   * The part a section number ("1.2.3") names (RFC 3501 §6.4.5), or null if the message has no such part. Part 1
   * of a message that is not multipart is the message itself; a message/rfc822 part is entered to number its parts.
   */
  static Part part(ByteString message, String number) throws MessagingException, IOException {
    Part part = new MimeMessage((Session) null, new SharedByteArrayInputStream(message.toArrayUnsafe()));
    for (String n : number.split("\\.")) {
      int index = Integer.parseInt(n);
      if (part.isMimeType("message/rfc822") && !(part instanceof MimeMessage)) {
        part = (Part) part.getContent();
      }
      if (part.isMimeType("multipart/*")) {
        Multipart mp = (Multipart) part.getContent();
        if (index > mp.getCount()) {
          return null;
        }
        part = mp.getBodyPart(index - 1);
      } else if (index != 1) {
        return null;
      }
    }
    return part;
  }

  private static ByteString headersOf(Part part) throws MessagingException {
    ByteStringBuilder b = new ByteStringBuilder();
    Enumeration<String> lines = part instanceof MimeBodyPart bp ? bp.getAllHeaderLines()
        : ((MimeMessage) part).getAllHeaderLines();
    while (lines.hasMoreElements()) {
      b.append(ByteString.fromString(lines.nextElement() + "\r\n", StandardCharsets.UTF_8));
    }
    b.append(ByteString.fromString("\r\n", StandardCharsets.US_ASCII));
    return b.result();
  }

  static ByteString rawContent(Part part) throws MessagingException, IOException {
    try (InputStream in = part instanceof MimeBodyPart bp ? bp.getRawInputStream()
        : ((MimeMessage) part).getRawInputStream()) {
      return ByteString.fromArrayUnsafe(in.readAllBytes());
    }
  }

  /** Index of the first body byte: just after the first empty line (CRLF CRLF, or LF LF from sloppy senders). */
  static int bodyStart(ByteString m) {
    int n = m.size();
    if (n >= 2 && m.apply(0) == '\r' && m.apply(1) == '\n') {
      return 2;
    }
    if (n >= 1 && m.apply(0) == '\n') {
      return 1;
    }
    for (int i = 0; i + 1 < n; i++) {
      if (m.apply(i) == '\n') {
        if (m.apply(i + 1) == '\n') {
          return i + 2;
        }
        if (i + 2 < n && m.apply(i + 1) == '\r' && m.apply(i + 2) == '\n') {
          return i + 3;
        }
      }
    }
    return n;
  }

  /** The named header fields (or all others), each with its continuation lines, then the empty line. */
  private static ByteString filterFields(ByteString header, List<String> names, boolean keep) {
    ByteStringBuilder out = new ByteStringBuilder();
    int start = 0;
    int n = header.size();
    while (start < n) {
      int end = start;
      // a field runs until a line that does not start with whitespace
      do {
        int lf = header.indexOf((byte) '\n', end);
        end = lf < 0 ? n : lf + 1;
      } while (end < n && (header.apply(end) == ' ' || header.apply(end) == '\t'));
      ByteString field = header.slice(start, end);
      int colon = field.indexOf((byte) ':');
      if (colon > 0) {
        String name = field.slice(0, colon).utf8String().trim().toUpperCase(Locale.ROOT);
        if (names.contains(name) == keep) {
          out.append(field);
        }
      }
      start = end;
    }
    out.append(ByteString.fromString("\r\n", StandardCharsets.US_ASCII));
    return out.result();
  }
}
