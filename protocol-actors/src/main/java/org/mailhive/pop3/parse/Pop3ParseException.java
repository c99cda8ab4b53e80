package org.mailhive.pop3.parse;

/** A command line that does not parse; the session answers {@code -ERR} with the message and continues. */
public final class Pop3ParseException extends Exception {
  public Pop3ParseException(String message) {
    super(message);
  }
}
