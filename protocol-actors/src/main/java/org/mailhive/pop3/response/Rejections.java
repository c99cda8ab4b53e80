package org.mailhive.pop3.response;

import org.mailhive.mailbox.MailboxProtocol;

/**
 * The one place where a mailbox entity's protocol-neutral {@link MailboxProtocol.Reason} becomes a POP3 reply
 * (CONVENTIONS §3). POP3 only reads and expunges, so most reasons mean the maildrop changed under us or is
 * unavailable for now; the exhaustive switch makes a new Reason fail to compile until it has a reply here.
 */
public final class Rejections {
  private Rejections() {}

  /** The reply text (after {@code -ERR}) when the UPDATE state's flag store or expunge is refused. */
  public static String atUpdate(MailboxProtocol.Reason reason) {
    return switch (reason) {
      case NOT_FOUND, EXPUNGED, ALREADY_EXISTS, READ_ONLY, LIMIT, OVER_QUOTA, TEMPORARY -> Pop3Reply.UPDATE_FAILED;
    };
  }
}
