package org.mailhive.smtp.command;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mailhive.smtp.reply.SmtpReply;

/**
 * The DSN parameters of RCPT TO (RFC 3461 §4.1, §4.2): NOTIFY (NEVER, or a comma list of SUCCESS, FAILURE, DELAY)
 * and ORCPT (addr-type ";" xtext). Anything else is refused with 555.
 *
 * @param notifyWhen the NOTIFY value upper-cased, or null
 * @param orcpt the ORCPT value as given (addr-type and xtext), or null
 */
public record RcptParameters(String notifyWhen, String orcpt) {
  private static final Set<String> NOTIFY_KEYWORDS = Set.of("SUCCESS", "FAILURE", "DELAY");
  /** RFC 3461 §4.2: the ORCPT value is at most 500 characters. */
  private static final int MAX_ORCPT = 500;

  public static final RcptParameters NONE = new RcptParameters(null, null);

  public boolean isEmpty() {
    return notifyWhen == null && orcpt == null;
  }

  public static RcptParameters parse(Map<String, String> params) throws ParameterException {
    String notify = null;
    String orcpt = null;
    for (Map.Entry<String, String> p : params.entrySet()) {
      String value = p.getValue();
      switch (p.getKey().toUpperCase(Locale.ROOT)) {
        case "NOTIFY" -> {
          notify = value.toUpperCase(Locale.ROOT);
          if (!notify.equals("NEVER")) {
            String[] words = notify.split(",", -1);
            Set<String> distinct = new HashSet<>(List.of(words));
            if (distinct.size() != words.length || !NOTIFY_KEYWORDS.containsAll(distinct)) {
              throw new ParameterException(SmtpReply.SYNTAX);
            }
          }
        }
        case "ORCPT" -> {
          int semi = value.indexOf(';');
          if (semi <= 0 || value.length() > MAX_ORCPT || semi == value.length() - 1
              || !value.substring(0, semi).matches("[A-Za-z0-9-]+") || !Xtext.isValid(value.substring(semi + 1))) {
            throw new ParameterException(SmtpReply.SYNTAX);
          }
          orcpt = value;
        }
        default -> throw new ParameterException(SmtpReply.PARAMETER_NOT_SUPPORTED);
      }
    }
    return new RcptParameters(notify, orcpt);
  }
}
