package org.mailhive.smtp.command;

/** A MAIL, RCPT or BDAT argument that is refused; carries the reply (an {@code SmtpReply} constant) to send. */
public final class ParameterException extends Exception {
  private final String reply;

  public ParameterException(String reply) {
    super(reply, null, false, false);
    this.reply = reply;
  }

  public String reply() {
    return reply;
  }
}
