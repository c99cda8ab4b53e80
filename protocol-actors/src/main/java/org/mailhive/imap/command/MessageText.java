package org.mailhive.imap.command;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * The parts of a raw message SEARCH HEADER/BODY/TEXT look at. BODY looks at the bodies of the MIME parts, each
 * decoded from its transfer encoding and charset, and not at the headers of parts or attached messages (RFC 3501
 * §6.4.4 "in the body of the message"; Dovecot and James search the same way); a message Jakarta Mail cannot
 * parse is searched as stored. TEXT (headers and body) is searched as stored.
 */
final class MessageText {
  /** Deepest MIME nesting walked; deeper parts are not searched (a bound against crafted messages). */
  private static final int MAX_DEPTH = 20;

  private MessageText() {}

  static List<String> headerValues(ByteString message, String field) {
    List<String> out = new ArrayList<>();
    String header = header(message);
    String unfolded = header.replaceAll("\r?\n[ \t]", " ");
    for (String line : unfolded.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(field)) {
        out.add(line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  static String text(ByteString message) {
    if (message == null) {
      return "";
    }
    try {
      StringBuilder out = new StringBuilder();
      partBodies(new MimeMessage((Session) null, new SharedByteArrayInputStream(message.toArrayUnsafe())), out, 0);
      return out.toString();
    } catch (MessagingException | IOException | RuntimeException e) {
      return rawBody(message);
    }
  }

  private static void partBodies(Part part, StringBuilder out, int depth) throws MessagingException, IOException {
    if (depth > MAX_DEPTH) {
      return;
    }
    if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart mp) {
      if (mp instanceof MimeMultipart mime && mime.getPreamble() != null) {
        out.append(mime.getPreamble()).append('\n'); // text before the first boundary is body text too
      }
      for (int i = 0; i < mp.getCount(); i++) {
        partBodies(mp.getBodyPart(i), out, depth + 1);
      }
    } else if (part.isMimeType("message/rfc822") && part.getContent() instanceof MimeMessage inner) {
      partBodies(inner, out, depth + 1);
    } else {
      out.append(new String(decoded(part), charset(part))).append('\n');
    }
  }

  /** The part's body without its transfer encoding, or as stored when that encoding is broken (bad base64). */
  private static byte[] decoded(Part part) throws MessagingException, IOException {
    try (InputStream in = part.getInputStream()) {
      return in.readAllBytes();
    } catch (IOException | MessagingException e) {
      if (part instanceof MimeBodyPart body) {
        try (InputStream raw = body.getRawInputStream()) {
          return raw.readAllBytes();
        }
      }
      throw e;
    }
  }

  /** The part's charset for text, else ISO-8859-1, which keeps every byte of a binary part as one char. */
  private static Charset charset(Part part) throws MessagingException {
    if (!part.isMimeType("text/*")) {
      return StandardCharsets.ISO_8859_1;
    }
    try {
      String name = new ContentType(part.getContentType()).getParameter("charset");
      return name == null ? StandardCharsets.US_ASCII : Charset.forName(name.trim());
    } catch (MessagingException | IllegalArgumentException e) {
      return StandardCharsets.UTF_8; // a malformed or unknown charset: read it as the most likely one
    }
  }

  private static String rawBody(ByteString message) {
    String all = all(message);
    int end = headerEnd(all);
    return end < 0 ? "" : all.substring(end);
  }

  /**
   * What SEARCH TEXT looks at: the message as stored, plus its header with RFC 2047 encoded words decoded and its
   * body text as BODY sees it, so that text in base64, quoted-printable or an encoded word is found too.
   */
  static String headerAndText(ByteString message) {
    String unfolded = header(message).replaceAll("\r?\n[ \t]", " ");
    String decodedHeader;
    try {
      decodedHeader = MimeUtility.decodeText(unfolded);
    } catch (UnsupportedEncodingException | RuntimeException e) {
      decodedHeader = "";
    }
    return all(message) + "\n" + decodedHeader + "\n" + text(message);
  }

  static String all(ByteString message) {
    return message == null ? "" : new String(message.toArrayUnsafe(), StandardCharsets.UTF_8);
  }

  private static String header(ByteString message) {
    String all = all(message);
    int end = headerEnd(all);
    return end < 0 ? all : all.substring(0, end);
  }

  private static int headerEnd(String all) {
    int crlf = all.indexOf("\r\n\r\n");
    if (crlf >= 0) {
      return crlf + 4;
    }
    int lf = all.indexOf("\n\n");
    return lf < 0 ? -1 : lf + 2;
  }
}
