package org.mailhive.smtp.reply;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;

/**
 * Every SMTP reply text in one place. Each carries an enhanced status code (RFC 3463, RFC 2034) after the
 * basic code. Replies that name a client-supplied value take it through {@link #with}.
 */
public final class SmtpReply {
  private SmtpReply() {}

  public static final String BYE = "221 2.0.0 Bye";
  public static final String OK = "250 2.0.0 Ok";
  public static final String SENDER_OK = "250 2.1.0 Ok";
  public static final String RECIPIENT_OK = "250 2.1.5 Ok";
  public static final String STORED = "250 2.0.0 Ok: stored";
  public static final String VRFY = "252 2.5.0 Send some mail, I'll try my best";
  public static final String HELP = "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT STARTTLS VRFY HELP";
  public static final String START_DATA = "354 End data with <CR><LF>.<CR><LF>";
  public static final String READY_FOR_TLS = "220 2.0.0 Ready to start TLS";
  public static final String SHUTTING_DOWN = "421 4.3.2 Service shutting down";
  public static final String IDLE_TIMEOUT = "421 4.4.2 Idle timeout, closing connection";
  public static final String TOO_MANY_ERRORS = "421 4.7.0 Too many errors, closing connection";
  public static final String TEMPORARY = "451 4.3.0 Temporary failure, try again later";
  public static final String TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients";
  public static final String OVER_QUOTA_RCPT = "452 4.2.2 Mailbox full";
  public static final String LINE_TOO_LONG = "500 5.5.6 Line too long";
  public static final String UNKNOWN_COMMAND = "500 5.5.1 Unknown command";
  public static final String SYNTAX = "501 5.5.4 Syntax error in parameters";
  public static final String BAD_SENDER = "501 5.1.7 Bad sender address syntax";
  public static final String BAD_RECIPIENT = "501 5.1.3 Bad recipient address syntax";
  public static final String NOT_IMPLEMENTED = "502 5.5.1 Command not implemented";
  public static final String HELO_FIRST = "503 5.5.1 Send EHLO/HELO first";
  public static final String MAIL_FIRST = "503 5.5.1 Need MAIL command first";
  public static final String RCPT_FIRST = "503 5.5.1 Need RCPT command first";
  public static final String NESTED_MAIL = "503 5.5.1 Sender already given";
  public static final String TLS_ALREADY = "503 5.5.1 TLS already active";
  public static final String NO_TLS = "454 4.7.0 TLS not available";
  public static final String UNKNOWN_USER = "550 5.1.1 Recipient address rejected: User unknown";
  public static final String RELAY_DENIED = "554 5.7.1 Relay access denied";
  public static final String MESSAGE_TOO_BIG = "552 5.3.4 Message size exceeds fixed limit";
  public static final String BARE_LINE_ENDING = "554 5.6.0 Message contains a bare CR or LF; lines must end with CRLF";
  public static final String PARAMETER_NOT_SUPPORTED = "555 5.5.4 Unsupported parameter";

  public static String with(String reply, String value) {
    return reply + ": " + value;
  }

  public static ByteString bytes(String reply) {
    return ByteString.fromString(reply + "\r\n", StandardCharsets.UTF_8);
  }
}
