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
  public static final String HELP = "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT STARTTLS AUTH VRFY HELP";
  public static final String LMTP_HELP = "214 2.0.0 Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT";
  /** RFC 2033 §4.2: one of these per accepted recipient after the end of data, in RCPT order. */
  public static final String STORED_FOR = "250 2.1.5 Ok: stored";
  /** RFC 3030 §2: a BDAT chunk that is not the last one is acknowledged with its size. */
  public static final String CHUNK_RECEIVED = "250 2.0.0 Ok: octets received";
  public static final String AUTH_OK = "235 2.7.0 Authentication successful";
  /** RFC 4954 §4: the server's challenge; LOGIN's are the base64 of "Username:" and "Password:". */
  public static final String AUTH_EMPTY_CHALLENGE = "334 ";
  public static final String AUTH_LOGIN_USERNAME = "334 VXNlcm5hbWU6";
  public static final String AUTH_LOGIN_PASSWORD = "334 UGFzc3dvcmQ6";
  public static final String START_DATA = "354 End data with <CR><LF>.<CR><LF>";
  public static final String READY_FOR_TLS = "220 2.0.0 Ready to start TLS";
  public static final String SHUTTING_DOWN = "421 4.3.2 Service shutting down";
  public static final String KICKED = "421 4.3.2 Closing connection at the administrator's request";
  public static final String IDLE_TIMEOUT = "421 4.4.2 Idle timeout, closing connection";
  public static final String TOO_MANY_ERRORS = "421 4.7.0 Too many errors, closing connection";
  public static final String TOO_MANY_COMMANDS = "421 4.7.0 Too many commands, closing connection";
  public static final String TOO_MANY_CONNECTIONS = "421 4.7.0 Too many connections from your address, try again later";
  /**
   * A recipient this server would relay for (authenticated, or from mynetworks) in another domain, on a session
   * without an outbound queue: we say "not now" rather than accept what we could not deliver.
   */
  public static final String REMOTE_DELIVERY_UNAVAILABLE = "451 4.4.0 Remote delivery not available yet";
  public static final String TEMPORARY = "451 4.3.0 Temporary failure, try again later";
  public static final String TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients";
  public static final String OVER_QUOTA_RCPT = "452 4.2.2 Mailbox full";
  public static final String OVER_QUOTA = "552 5.2.2 Mailbox full";
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
  public static final String AUTH_TEMPORARY = "454 4.7.0 Temporary authentication failure";
  /** The throttle blocks this client IP (or login) after too many failures (mailhive.auth.throttle). */
  public static final String AUTH_BLOCKED = "454 4.7.0 Too many failed logins, try again later";
  public static final String AUTH_ALREADY = "503 5.5.1 Already authenticated";
  public static final String AUTH_IN_TRANSACTION = "503 5.5.1 AUTH not allowed during a mail transaction";
  public static final String AUTH_NOT_AVAILABLE = "503 5.5.1 AUTH not available on this port";
  public static final String AUTH_CANCELLED = "501 5.7.0 Authentication cancelled";
  public static final String AUTH_SCRAM_SYNTAX = "501 5.5.2 Invalid SCRAM-SHA-256 message";
  public static final String AUTH_BAD_BASE64 = "501 5.5.2 Cannot decode response";
  public static final String AUTH_MECHANISM = "504 5.5.4 Unrecognized authentication mechanism";
  /** RFC 3207 §4 and RFC 4954 §4: no credentials over plaintext on submission. */
  public static final String STARTTLS_FIRST = "530 5.7.0 Must issue a STARTTLS command first";
  public static final String AUTH_REQUIRED = "530 5.7.0 Authentication required";
  public static final String AUTH_FAILED = "535 5.7.8 Authentication credentials invalid";
  /** An authenticated user may send only as itself (the sender-login rule). */
  public static final String SENDER_NOT_OWNED = "553 5.7.1 Sender address rejected: not owned by user";
  /** RFC 3030 §3: BINARYMIME content cannot be sent with DATA; nor may DATA follow BDAT in one transaction. */
  public static final String BDAT_REQUIRED = "503 5.5.1 BINARYMIME requires BDAT";
  public static final String DATA_AFTER_BDAT = "503 5.5.1 DATA not allowed after BDAT";
  public static final String SMTPUTF8_REQUIRED = "553 5.6.7 Non-ASCII address requires SMTPUTF8";
  public static final String LHLO_REQUIRED = "500 5.5.1 This is LMTP: say LHLO";
  /** RFC 3463 §3.3: X.2.1 "mailbox disabled, not accepting messages". */
  public static final String INACTIVE_USER = "550 5.2.1 Recipient address rejected: Mailbox disabled";
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
