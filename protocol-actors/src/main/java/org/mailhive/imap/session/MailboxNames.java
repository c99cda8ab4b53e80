package org.mailhive.imap.session;

import org.mailhive.imap.parse.ModifiedUtf7;
import org.mailhive.imap.response.ImapResponse;

/**
 * How a session writes a mailbox name. Names are kept as IMAP4rev1 sends them, in modified UTF-7 (RFC 3501
 * §5.1.3); a session that enabled UTF8=ACCEPT gets them as UTF-8 quoted strings instead, since RFC 6855 §3 forbids
 * modified UTF-7 there. Incoming names are converted the other way by {@link org.mailhive.imap.parse.ImapArgs}.
 */
final class MailboxNames {
  private MailboxNames() {}

  /** RFC 6855 §3; enabled per session with ENABLE (RFC 5161). ENABLE IMAP4rev2 also
   * switches names to UTF-8 (RFC 9051 §5.1, see {@link Rev2}). */
  static final String CAPABILITY = "UTF8=ACCEPT";

  /** The name as an IMAP string for this session: modified UTF-7 as stored, or decoded to UTF-8. */
  static String quoted(String stored, boolean utf8) {
    return ImapResponse.astring(utf8 ? utf8(stored) : stored);
  }

  private static String utf8(String stored) {
    try {
      return ModifiedUtf7.decode(stored);
    } catch (IllegalArgumentException e) {
      return stored; // not valid modified UTF-7 (created before names were checked): shown as stored
    }
  }
}
