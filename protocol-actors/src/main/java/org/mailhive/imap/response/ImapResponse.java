package org.mailhive.imap.response;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * The only place that turns IMAP responses into bytes. Texts the server sends are named constants here;
 * response codes follow RFC 5530 so that clients can act on them.
 */
public final class ImapResponse {
  private ImapResponse() {}

  public static final String GREETING = "OK [CAPABILITY %s] Mailhive ready";
  public static final String BYE_LOGOUT = "BYE Logging out";
  public static final String BYE_AUTOLOGOUT = "BYE Autologout; idle for too long";
  public static final String BYE_AUTH_FAILURES = "BYE [UNAVAILABLE] Too many failed logins";
  // RFC 5530 §3: UNAVAILABLE is a temporary failure, so a client reconnects (to another node) rather than giving up.
  public static final String BYE_SHUTDOWN = "BYE [UNAVAILABLE] Server shutting down, reconnect";
  public static final String BYE_KICKED = "BYE [UNAVAILABLE] Disconnected by the administrator";
  public static final String BYE_SELECTED_DELETED = "BYE Selected mailbox has been deleted";
  public static final String UNKNOWN_COMMAND = "[CLIENTBUG] Unknown command";
  public static final String WRONG_STATE = "[CLIENTBUG] Command not valid in this state";
  public static final String LINE_TOO_LONG = "[TOOBIG] Command line too long";
  public static final String LITERAL_TOO_BIG = "[TOOBIG] Literal too big";
  public static final String BAD_SEQUENCE = "[CLIENTBUG] Message sequence number out of range";
  public static final String AUTH_FAILED = "[AUTHENTICATIONFAILED] Authentication failed";
  /** The throttle blocks this client IP (or login) for a while after too many failures (mailhive.auth.throttle). */
  public static final String AUTH_BLOCKED = "[UNAVAILABLE] Too many failed logins, try again later";
  public static final String PRIVACY_REQUIRED = "[PRIVACYREQUIRED] Plaintext authentication disallowed without TLS";
  /** A SCRAM message that breaks RFC 5802's grammar (or asks for channel binding, which we do not offer). */
  public static final String SCRAM_SYNTAX = "[CLIENTBUG] Invalid SCRAM-SHA-256 message";
  public static final String AUTH_CANCELLED = "[CLIENTBUG] Authentication cancelled";
  public static final String TOO_MANY_USER_CONNECTIONS = "[LIMIT] Too many connections from this user and IP";
  public static final String NONEXISTENT = "[NONEXISTENT] Mailbox does not exist";
  public static final String TRYCREATE = "[TRYCREATE] Mailbox does not exist";
  public static final String READ_ONLY = "[READ-ONLY] Mailbox is read-only";
  public static final String UNAVAILABLE = "[UNAVAILABLE] Storage temporarily unavailable, try again";
  public static final String SERVERBUG = "[SERVERBUG] Internal error, see the server log";
  public static final String TLS_ACTIVE = "[CLIENTBUG] TLS is already active";
  public static final String BEGIN_TLS = "Begin TLS negotiation now";
  public static final String IDLING = "+ idling";
  public static final String IDLE_NOT_DONE = "[CLIENTBUG] Expected DONE to end IDLE";
  public static final String INVALID_NAME = "[CANNOT] Invalid mailbox name";
  public static final String USE_ATTR = "[USEATTR] Unsupported special-use attribute";
  public static final String CONTINUE = "+ Ready for literal data";

  public static ByteString tagged(String tag, String status, String text) {
    return line(tag + " " + status + " " + text);
  }

  public static ByteString untagged(String text) {
    return line("* " + text);
  }

  public static ByteString line(String text) {
    return ByteString.fromString(text + "\r\n", StandardCharsets.UTF_8);
  }

  /** RFC 3501 §4.3: a string that may contain anything, sent as a literal. */
  public static void literal(ByteStringBuilder out, ByteString bytes) {
    out.append(ByteString.fromString("{" + bytes.size() + "}\r\n", StandardCharsets.US_ASCII));
    out.append(bytes);
  }

  /** RFC 3501 §4.3: quoted if the text allows it, otherwise a literal. */
  public static String astring(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return "{" + utf8.length + "}\r\n" + s;
      }
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('"').toString();
  }
}
