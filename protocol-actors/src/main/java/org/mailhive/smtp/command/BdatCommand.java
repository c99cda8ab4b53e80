package org.mailhive.smtp.command;

import java.util.Locale;
import org.mailhive.smtp.reply.SmtpReply;

/**
 * {@code BDAT chunk-size [LAST]} (RFC 3030 §2). The chunk's octets follow the command line at once, with no
 * dot-stuffing and no end marker, so the session reads exactly {@code size} octets whatever it answers.
 */
public record BdatCommand(long size, boolean last) {
  public static BdatCommand parse(String argument) throws ParameterException {
    String[] parts = argument.split(" +");
    if (parts.length < 1 || parts.length > 2 || !parts[0].matches("\\d{1,18}")
        || (parts.length == 2 && !parts[1].toUpperCase(Locale.ROOT).equals("LAST"))) {
      throw new ParameterException(SmtpReply.SYNTAX);
    }
    return new BdatCommand(Long.parseLong(parts[0]), parts.length == 2);
  }
}
