package org.mailhive.imap.response;

import org.mailhive.account.AccountProtocol;
import org.mailhive.mailbox.MailboxProtocol.Reason;

/** The one place where an entity's protocol-neutral {@link Reason} becomes an IMAP response code. */
public final class Rejections {
  private Rejections() {}

  public static String responseCode(AccountProtocol.Reason reason) {
    return switch (reason) {
      case NOT_FOUND -> "[NONEXISTENT]";
      case ALREADY_EXISTS -> "[ALREADYEXISTS]";
      case CANNOT -> "[CANNOT]";
      case LIMIT -> "[LIMIT]";
    };
  }

  public static String responseCode(Reason reason, boolean appendOrCopy) {
    return switch (reason) {
      case NOT_FOUND -> appendOrCopy ? "[TRYCREATE]" : "[NONEXISTENT]";
      case ALREADY_EXISTS -> "[ALREADYEXISTS]";
      case OVER_QUOTA -> "[OVERQUOTA]";
      case EXPUNGED -> "[EXPUNGEISSUED]";
      case READ_ONLY -> "[READ-ONLY]";
      case LIMIT -> "[LIMIT]";
      case TEMPORARY -> "[UNAVAILABLE]";
    };
  }
}
