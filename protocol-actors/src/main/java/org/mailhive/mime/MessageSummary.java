package org.mailhive.mime;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.util.List;

/**
 * What IMAP FETCH reports about a message's structure, computed once when the message is stored: ENVELOPE, and
 * BODYSTRUCTURE and BODY (RFC 3501 §7.4.2, RFC 9051 §7.5.2). Each string is exactly the value that follows the
 * item name in a FETCH response, and is written to the wire as UTF-8 (literal lengths count UTF-8 octets).
 *
 * <p>Header text is reported as sent, unfolded but still RFC 2047-encoded, as Dovecot does. Sizes and line counts
 * are those of the bytes received. Malformed input never makes this fail; the parts that cannot be understood are
 * reported as text/plain.
 */
public record MessageSummary(String envelope, String bodyStructure, String body) {
  static {
    StreamProviderPin.ensure();
  }

  /**
   * How many multiparts and encapsulated messages may enclose a part before we stop opening them. Dovecot stops
   * at the same depth; deeper nesting is used to exhaust a parser's stack, not to send mail.
   */
  static final int MAX_NESTING = 100;

  private static final String EMPTY_ENVELOPE = "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)";

  public static MessageSummary of(byte[] rawMessage) {
    return of(rawMessage, MAX_NESTING);
  }

  static MessageSummary of(byte[] rawMessage, int maxNesting) {
    MimeMessage message;
    try {
      // A shared stream lets every part point into rawMessage instead of copying it.
      message = new MimeMessage((Session) null, new SharedByteArrayInputStream(rawMessage));
    } catch (MessagingException | RuntimeException e) {
      return unparsable(rawMessage);
    }
    String envelope;
    try {
      envelope = Envelope.render(new RawHeaders(message));
    } catch (RuntimeException e) {
      envelope = EMPTY_ENVELOPE;
    }
    MimeNode root = new MimeTreeReader(maxNesting).readMessage(message);
    return new MessageSummary(envelope, BodyStructureWriter.bodyStructure(root), BodyStructureWriter.body(root));
  }

  /** Jakarta Mail could not even split header from body: report the whole input as one text/plain body. */
  private static MessageSummary unparsable(byte[] rawMessage) {
    long lines = 0;
    for (byte b : rawMessage) {
      if (b == '\n') {
        lines++;
      }
    }
    MimeNode whole = new MimeNode("text", "plain", List.of(new ParameterizedValue.Param("charset", "us-ascii")),
        null, null, "7bit", rawMessage.length, lines, null, List.of(), null, List.of(), null, null, null);
    return new MessageSummary(EMPTY_ENVELOPE, BodyStructureWriter.bodyStructure(whole), BodyStructureWriter.body(whole));
  }
}
