package org.mailhive.smtp.reply;

import org.mailhive.mailbox.MailboxProtocol;

/**
 * The one place where a mailbox entity's protocol-neutral {@link MailboxProtocol.Reason} becomes an SMTP/LMTP
 * reply (CONVENTIONS §3). The switch is exhaustive, so a new Reason does not compile until it has a reply here.
 */
public final class Rejections {
  private Rejections() {}

  /** The reply for a copy the mailbox refused after the end of data. */
  public static String atDelivery(MailboxProtocol.Reason reason) {
    return switch (reason) {
      case OVER_QUOTA -> SmtpReply.OVER_QUOTA;
      case LIMIT -> SmtpReply.MESSAGE_TOO_BIG;
      case NOT_FOUND, ALREADY_EXISTS, EXPUNGED, READ_ONLY, TEMPORARY -> SmtpReply.TEMPORARY;
    };
  }

  /**
   * Over quota, at RCPT or for one recipient at the end of data: RFC 3463 X.2.2 "mailbox full", temporary by
   * default so the sender retries while the user makes room ({@code mailhive.quota.over-quota-policy}).
   */
  public static String overQuota(boolean permanent) {
    return permanent ? SmtpReply.OVER_QUOTA : SmtpReply.OVER_QUOTA_RCPT;
  }
}
