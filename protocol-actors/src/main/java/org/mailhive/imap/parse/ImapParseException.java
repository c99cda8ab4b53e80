package org.mailhive.imap.parse;

/**
 * A client sent bytes that do not match the RFC 3501 §9 grammar. The session answers {@code BAD} with a fixed reply
 * text; the message here is short and meant for logs and tests.
 */
public final class ImapParseException extends Exception {
  private static final long serialVersionUID = 1L;

  public ImapParseException(String message) {
    super(message);
  }
}
