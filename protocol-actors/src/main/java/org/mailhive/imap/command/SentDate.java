package org.mailhive.imap.command;

import jakarta.mail.internet.MailDateFormat;
import java.text.ParsePosition;
import java.util.Date;

/**
 * The sent date of RFC 5256 §2.2, which SORT DATE and both THREAD algorithms order by: the Date header as an
 * instant (so its time zone is taken into account, as converting to UTC asks), or the internal date when the Date
 * header is missing or cannot be parsed.
 */
final class SentDate {
  private SentDate() {}

  /** Milliseconds since the epoch. */
  static long of(String dateHeader, long internalDate) {
    if (dateHeader == null || dateHeader.isBlank()) {
      return internalDate;
    }
    // MailDateFormat reads RFC 5322 §3.3 dates and their obsolete forms (two-digit years, zone names);
    // it is not thread-safe, hence one per call.
    ParsePosition at = new ParsePosition(0);
    Date d = new MailDateFormat().parse(dateHeader.trim(), at);
    return d == null || at.getErrorIndex() >= 0 ? internalDate : d.getTime();
  }
}
