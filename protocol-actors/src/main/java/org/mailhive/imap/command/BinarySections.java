package org.mailhive.imap.command;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.imap.response.ImapResponse;
import org.mailhive.mime.StreamProviderPin;

/**
 * BINARY (RFC 3516, also RFC 9051 §6.4.5): FETCH BINARY[part], BINARY.PEEK[part] and BINARY.SIZE[part] return a
 * part's content with its Content-Transfer-Encoding undone, so a client need not decode base64 or
 * quoted-printable itself. Decoding is Jakarta Mail's ({@link MimeUtility#decode}). An encoding we cannot undo fails
 * the whole FETCH with {@code NO [UNKNOWN-CTE]} (RFC 3516 §4.3), checked before anything is sent or \Seen set.
 *
 * <p>Decoded data may hold NUL, which no IMAP4rev1 literal may carry; it then goes out as literal8 {@code ~{n}}
 * (RFC 3516 §4.2). The empty section (BINARY[]) is the whole message as stored: a message's header has no
 * transfer encoding to undo. Multipart and message/rfc822 parts, which RFC 2045 §6.4 allows no encoding but the
 * identity ones, are returned as stored. A part that does not exist is empty, as BODY[] answers it.
 */
public final class BinarySections {
  static {
    StreamProviderPin.ensure();
  }

  private BinarySections() {}

  public static final String CAPABILITY = "BINARY";

  /** RFC 2045 §6.1: the identity encodings, whose content is already the data. */
  private static final Set<String> IDENTITY = Set.of("7bit", "8bit", "binary");
  /** The encodings we decode; Jakarta Mail decodes uuencode too, but no RFC defines it for MIME parts. */
  private static final Set<String> DECODED = Set.of("base64", "quoted-printable");
  private static final String PART = "[1-9]\\d{0,8}(\\.[1-9]\\d{0,8})*";

  /** Response code and text when a part's encoding cannot be undone (RFC 3516 §4.3). */
  public static final String UNKNOWN_CTE = "[UNKNOWN-CTE] Cannot decode the Content-Transfer-Encoding of part ";

  /** Thrown by {@link #decoded} for a part whose encoding is unknown or whose encoded data is broken. */
  public static final class UnknownCte extends Exception {
    UnknownCte(String part) {
      super(part);
    }
  }

  /**
   * Parses the rest of a BINARY fetch item; {@code atom} is what {@link ImapArgs#atom} read, up to the "]".
   * RFC 3516 §5: "BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE" section-binary, where
   * section-binary = "[" [section-part] "]".
   */
  static FetchCommand.Binary parse(String atom, ImapArgs args) throws ImapParseException {
    boolean peek = false;
    boolean size = false;
    String inside;
    if (atom.startsWith("BINARY.PEEK[")) {
      peek = true;
      inside = atom.substring("BINARY.PEEK[".length());
    } else if (atom.startsWith("BINARY.SIZE[")) {
      size = true;
      inside = atom.substring("BINARY.SIZE[".length());
    } else if (atom.startsWith("BINARY[")) {
      inside = atom.substring("BINARY[".length());
    } else {
      throw new ImapParseException("unknown FETCH item " + atom);
    }
    if (!inside.isEmpty() && !inside.matches(PART)) {
      throw new ImapParseException("BINARY takes only a part number, not " + inside);
    }
    if (!args.tryConsume(']')) {
      throw new ImapParseException("expected ] to end the section");
    }
    long start = -1;
    long length = -1;
    if (!size && args.peek('<')) {
      String origin = args.atom();
      if (!origin.matches("<\\d{1,10}\\.[1-9]\\d{0,9}>")) {
        throw new ImapParseException("bad partial " + origin);
      }
      String[] p = origin.substring(1, origin.length() - 1).split("\\.");
      start = Long.parseLong(p[0]);
      length = Long.parseLong(p[1]);
    }
    return new FetchCommand.Binary(inside, peek, size, start, length);
  }

  /**
   * The part's decoded content; empty if the part does not exist (or the message cannot be parsed at all).
   *
   * @throws UnknownCte if the part's Content-Transfer-Encoding is not one we can undo, or its data is broken
   */
  public static ByteString decoded(ByteString message, String partNumber) throws UnknownCte {
    if (partNumber.isEmpty()) {
      return message;
    }
    Part part;
    try {
      part = BodySections.part(message, partNumber);
      if (part == null) {
        return ByteString.emptyByteString();
      }
    } catch (MessagingException | IOException | RuntimeException e) {
      return ByteString.emptyByteString();
    }
    try {
      ByteString raw = BodySections.rawContent(part);
      String encoding = encoding(part);
      if (part.isMimeType("multipart/*") || part.isMimeType("message/rfc822") || IDENTITY.contains(encoding)) {
        return raw;
      }
      if (!DECODED.contains(encoding)) {
        throw new UnknownCte(partNumber);
      }
      try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(raw.toArrayUnsafe()), encoding)) {
        return ByteString.fromArrayUnsafe(in.readAllBytes());
      }
    } catch (MessagingException | IOException | RuntimeException e) {
      throw new UnknownCte(partNumber); // broken base64 or quoted-printable: we cannot give the decoded data
    }
  }

  /** RFC 2045 §6.1: the encoding is case-insensitive, and 7bit when the header is absent. */
  private static String encoding(Part part) throws MessagingException {
    String cte = part instanceof MimePart mp ? mp.getEncoding() : null;
    return cte == null ? "7bit" : cte.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Checks every BINARY item of {@code cmd} against these bodies before the FETCH runs; returns the error text for
   * {@code NO} (RFC 3516 §4.3), or null if everything can be decoded.
   */
  public static String check(FetchCommand cmd, List<ByteString> bodies) {
    for (FetchCommand.Item item : cmd.items()) {
      if (item instanceof FetchCommand.Binary b) {
        for (ByteString body : bodies) {
          try {
            decoded(body, b.part());
          } catch (UnknownCte e) {
            return UNKNOWN_CTE + b.part();
          }
        }
      }
    }
    return null;
  }

  /** Appends the response item ("BINARY[1] ~{3}\r\n..." or "BINARY.SIZE[1] 3"); {@code text} is flushed first. */
  static void render(ByteStringBuilder out, StringBuilder text, ByteString message, FetchCommand.Binary item) {
    ByteString data;
    try {
      data = decoded(message, item.part());
    } catch (UnknownCte e) {
      data = ByteString.emptyByteString(); // check() refused such a FETCH before it ran
    }
    if (item.sizeOnly()) {
      text.append("BINARY.SIZE[").append(item.part()).append("] ").append(data.size());
      return;
    }
    text.append("BINARY[").append(item.part()).append(']');
    if (item.partial()) {
      int from = (int) Math.min(item.partialStart(), data.size());
      int to = (int) Math.min((long) from + item.partialLength(), data.size());
      data = data.slice(from, to);
      text.append('<').append(item.partialStart()).append('>');
    }
    text.append(' ');
    out.append(ByteString.fromString(text.toString(), StandardCharsets.UTF_8));
    text.setLength(0);
    // RFC 3516 §4.2: data with NUL goes as literal8; anything else as an ordinary literal, which every client reads.
    if (data.indexOf((byte) 0) >= 0) {
      ImapResponse.literal8(out, data);
    } else {
      ImapResponse.literal(out, data);
    }
  }
}
