package org.mailhive.imap.session;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.mailhive.account.AccountProtocol;
import org.mailhive.imap.command.SearchReturn;

/**
 * What changes in a session once the client has sent {@code ENABLE IMAP4rev2} (RFC 9051 §6.3.1). The server
 * speaks both versions (RFC 9051 Appendix E): a client that never enables IMAP4rev2 keeps every IMAP4rev1
 * behaviour. After ENABLE the session
 * <ul>
 *   <li>answers SEARCH without RETURN as {@code RETURN (ALL)} in ESEARCH form (RFC 9051 §6.4.4, §7.3.4), since
 *       IMAP4rev2 has no {@code * SEARCH} response;</li>
 *   <li>shows no {@code \Recent} flag and no {@code RECENT} response (RFC 9051 Appendix E item 6 removed them);</li>
 *   <li>answers SELECT/EXAMINE with a {@code LIST} response for the mailbox (RFC 9051 §6.3.2) instead of RECENT,
 *       and without the UNSEEN response code, which RFC 9051 §6.3.2 no longer lists;</li>
 *   <li>sends {@code OK [CLOSED]} when a SELECT/EXAMINE replaces a selected mailbox (RFC 9051 §6.3.2);</li>
 *   <li>writes and reads mailbox names as UTF-8 (RFC 9051 §5.1), as after ENABLE UTF8=ACCEPT.</li>
 * </ul>
 * LITERAL- (RFC 9051 §4.3, non-synchronising literals up to 4096 octets) needs nothing here: LITERAL+ is a
 * superset and is already advertised (RFC 7888 §4).
 */
final class Rev2 {
  private Rev2() {}

  /** Advertised beside IMAP4rev1 (RFC 9051 §7.2.2) and the name ENABLE accepts. */
  static final String CAPABILITY = "IMAP4rev2";

  /** RFC 9051 §6.4.4: "If the RETURN ... is not specified ... the server MUST behave as if RETURN (ALL)". */
  static SearchReturn searchReturn(SearchReturn asked) {
    return asked != null ? asked : new SearchReturn(EnumSet.of(SearchReturn.Option.ALL));
  }

  /**
   * The LIST response SELECT/EXAMINE sends (RFC 9051 §6.3.2: "The server MUST return a LIST response with the
   * mailbox name. The list of mailbox attributes MUST be accurate."): the line a plain {@code LIST "" name} gives,
   * so the attributes (\HasChildren or \HasNoChildren, special use) are the ones LIST shows.
   */
  static String selectList(AccountProtocol.Folders folders, String name, boolean utf8Names) {
    List<ListCommand.Line> lines =
        new ListCommand(Set.of(), "", List.of(name), Set.of(), List.of(), utf8Names).lines(folders);
    // SELECT only gets here for a folder that exists, so the pattern (the name itself: no wildcards are allowed in
    // names) matches it; the fallback only keeps the MUST should the folders have changed in between.
    return lines.isEmpty() ? "LIST () \"/\" " + MailboxNames.quoted(name, utf8Names) : lines.get(0).text();
  }
}
