package org.mailhive.pop3.response;

/**
 * Every POP3 reply text (CONVENTIONS §3). Texts follow Dovecot's where a client or a log filter might look at
 * them. Response codes in brackets are RFC 2449 §8 ({@code IN-USE}, {@code LOGIN-DELAY}) and RFC 3206
 * ({@code SYS/TEMP}, {@code SYS/PERM}, {@code AUTH}); we advertise them with CAPA's RESP-CODES and AUTH-RESP-CODE.
 */
public final class Pop3Reply {
  private Pop3Reply() {}

  public static final String GREETING = "Mailhive ready.";
  public static final String CAPA_FOLLOWS = "Capability list follows";
  public static final String BEGIN_TLS = "Begin TLS negotiation now.";
  public static final String TLS_ACTIVE = "TLS is already active.";
  public static final String USER_OK = "User accepted";
  public static final String LOGGED_IN = "Logged in.";
  public static final String LOGOUT = "Logging out.";
  public static final String LOGOUT_DELETED = "Logging out, messages deleted.";
  public static final String NOOP = "NOOP done.";
  public static final String MECHANISMS = "Supported mechanisms follow";

  // RFC 3206 §4: [AUTH] says the credentials were wrong (not a temporary problem), so a client asks again.
  public static final String AUTH_FAILED = "[AUTH] Authentication failed.";
  // RFC 3206 §4: SYS/TEMP, not AUTH: the credentials may be right, the throttle (mailhive.auth.throttle) blocks them.
  public static final String AUTH_BLOCKED = "[SYS/TEMP] Too many failed logins, try again later.";
  public static final String AUTH_TOO_MANY = "[AUTH] Too many authentication failures, disconnecting.";
  // Dovecot's text for disable_plaintext_auth: plaintext passwords only over TLS or from the same host.
  public static final String PLAINTEXT_DISALLOWED = "[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.";
  public static final String AUTH_CANCELLED = "Authentication cancelled.";
  public static final String AUTH_MECHANISM = "Unsupported authentication mechanism.";
  public static final String AUTH_SCRAM_SYNTAX = "Invalid SCRAM-SHA-256 message.";
  public static final String AUTH_BASE64 = "Invalid base64 data in the AUTH response.";
  public static final String NO_USER = "No username given.";
  public static final String ALREADY_USER = "USER already given, send PASS.";
  public static final String NOT_IN_TRANSACTION = "Unknown command in this state; log in first.";
  public static final String NOT_IN_AUTHORIZATION = "Already logged in.";
  public static final String UNKNOWN_COMMAND = "Unknown command.";
  public static final String LINE_TOO_LONG = "Line too long.";
  public static final String NO_SUCH_MESSAGE = "There's no message %d.";
  public static final String MESSAGE_DELETED = "Message is deleted.";
  public static final String INACTIVITY = "Disconnected for inactivity.";
  // RFC 3206 §4: SYS/TEMP means try again later; the maildrop or body store did not answer in time.
  public static final String MAILDROP_UNAVAILABLE = "[SYS/TEMP] Mailbox unavailable, try again later.";
  public static final String BODY_UNAVAILABLE = "[SYS/TEMP] Message body unavailable, try again later.";
  public static final String UPDATE_FAILED = "[SYS/TEMP] Deleted messages could not be removed; they stay.";
  // RFC 2449 §8.1.2: the maildrop is in use by another POP3 session. Not sent today: like Dovecot's default
  // (pop3_lock_session = no) sessions do not lock the maildrop. Kept for when locking becomes an option.
  public static final String IN_USE = "[IN-USE] Mailbox is locked by another POP3 session.";
  // RFC 3206 §4: SYS/TEMP, so a client tries again later (another node) instead of reporting a wrong password.
  public static final String SHUTTING_DOWN = "[SYS/TEMP] Server shutting down, try again later.";
  public static final String KICKED = "[SYS/TEMP] Disconnected by the administrator.";
  public static final String SERVER_BUG = "[SYS/TEMP] Internal error occurred. Refer to server log for more information.";
}
