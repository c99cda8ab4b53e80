package org.mailhive.smtp.command;

import java.util.Locale;
import java.util.Map;
import org.mailhive.smtp.reply.SmtpReply;

/**
 * The ESMTP parameters of MAIL FROM that we advertise: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8
 * (RFC 6531), RET and ENVID (RFC 3461 §4.3, §4.4) and AUTH (RFC 4954 §5). Anything else is refused with 555.
 *
 * @param size the declared size, or -1 when none was given
 * @param ret FULL or HDRS, or null
 * @param envid the envelope id in xtext form, or null
 */
public record MailParameters(long size, Body body, boolean smtpUtf8, String ret, String envid) {
  public enum Body { SEVEN_BIT, EIGHT_BIT_MIME, BINARY_MIME }

  /** RFC 3461 §4.4: an ENVID is at most 100 characters. */
  private static final int MAX_ENVID = 100;

  public static final MailParameters NONE = new MailParameters(-1, Body.SEVEN_BIT, false, null, null);

  public static MailParameters parse(Map<String, String> params, long maxMessageSize) throws ParameterException {
    long size = -1;
    Body body = Body.SEVEN_BIT;
    boolean utf8 = false;
    String ret = null;
    String envid = null;
    for (Map.Entry<String, String> p : params.entrySet()) {
      String value = p.getValue();
      switch (p.getKey().toUpperCase(Locale.ROOT)) {
        case "SIZE" -> {
          if (!value.matches("\\d{1,18}")) {
            throw new ParameterException(SmtpReply.SYNTAX);
          }
          size = Long.parseLong(value);
          if (size > maxMessageSize) {
            throw new ParameterException(SmtpReply.MESSAGE_TOO_BIG);
          }
        }
        case "BODY" -> body = switch (value.toUpperCase(Locale.ROOT)) {
          case "7BIT" -> Body.SEVEN_BIT;
          case "8BITMIME" -> Body.EIGHT_BIT_MIME;
          case "BINARYMIME" -> Body.BINARY_MIME;
          default -> throw new ParameterException(SmtpReply.SYNTAX);
        };
        case "SMTPUTF8" -> {
          if (!value.isEmpty()) {
            throw new ParameterException(SmtpReply.SYNTAX);
          }
          utf8 = true;
        }
        case "RET" -> {
          ret = value.toUpperCase(Locale.ROOT);
          if (!ret.equals("FULL") && !ret.equals("HDRS")) {
            throw new ParameterException(SmtpReply.SYNTAX);
          }
        }
        case "ENVID" -> {
          if (value.isEmpty() || value.length() > MAX_ENVID || !Xtext.isValid(value)) {
            throw new ParameterException(SmtpReply.SYNTAX);
          }
          envid = value;
        }
        // RFC 4954 §5: the original submitter, "<>" or xtext; informational, so checked and dropped.
        case "AUTH" -> {
          if (!value.equals("<>") && (value.isEmpty() || !Xtext.isValid(value))) {
            throw new ParameterException(SmtpReply.SYNTAX);
          }
        }
        default -> throw new ParameterException(SmtpReply.PARAMETER_NOT_SUPPORTED);
      }
    }
    return new MailParameters(size, body, utf8, ret, envid);
  }
}
