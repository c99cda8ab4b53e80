package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;

/**
 * SORT and UID SORT (RFC 5256 §3, with the DISPLAYFROM and DISPLAYTO keys of RFC 5957): the request, its parser
 * and the ordering. The search criteria are SEARCH's ({@link SearchCommand#parseCriteria}); the sort keys read only
 * the metadata kept at delivery ({@link SortableMessage}). Messages equal under every key keep mailbox order
 * (sequence number), whatever REVERSE says (RFC 5256 §3).
 *
 * @param charset as the client named it; {@link #supportsCharset} says whether we can honour it
 */
public record SortCommand(List<Criterion> criteria, String charset, SearchCommand search, boolean byUid) {

  /** Advertised in CAPABILITY: SORT (RFC 5256) and SORT=DISPLAY (RFC 5957). */
  public static final String CAPABILITIES = "SORT SORT=DISPLAY";

  /** RFC 5256 §3: an unsupported charset is NO with BADCHARSET listing what we support (RFC 3501 §7.1). */
  public static final String BAD_CHARSET = "[BADCHARSET (US-ASCII UTF-8)] Charset not supported";

  public enum Key { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }

  public record Criterion(Key key, boolean reverse) {}

  public static SortCommand parse(ImapArgs args, boolean byUid) throws ImapParseException {
    args.sp();
    args.openParen();
    List<Criterion> criteria = new ArrayList<>();
    do {
      criteria.add(criterion(args));
    } while (args.tryConsumeSpace());
    if (!args.tryCloseParen()) {
      throw new ImapParseException("expected ) after the sort criteria");
    }
    args.sp();
    String charset = args.astring();
    args.sp();
    return new SortCommand(List.copyOf(criteria), charset, SearchCommand.parseCriteria(args, byUid), byUid);
  }

  private static Criterion criterion(ImapArgs args) throws ImapParseException {
    String name = args.atom().toUpperCase(Locale.ROOT);
    boolean reverse = name.equals("REVERSE");
    if (reverse) {
      args.sp();
      name = args.atom().toUpperCase(Locale.ROOT);
    }
    try {
      return new Criterion(Key.valueOf(name), reverse);
    } catch (IllegalArgumentException e) {
      throw new ImapParseException("unknown sort key " + name);
    }
  }

  /** RFC 5256 §3: US-ASCII must be supported, and UTF-8 is what IMAP4rev2 and our SEARCH work in. */
  public static boolean supportsCharset(String charset) {
    String c = charset.toUpperCase(Locale.ROOT);
    return c.equals("US-ASCII") || c.equals("UTF-8");
  }

  /** The message numbers (sequence numbers or UIDs) of {@code found} in sort order. */
  public List<Long> order(List<SortableMessage> found) {
    Comparator<SortableMessage> order = null;
    for (Criterion c : criteria) {
      Comparator<SortableMessage> next = comparator(c.key());
      if (c.reverse()) {
        next = next.reversed();
      }
      order = order == null ? next : order.thenComparing(next);
    }
    order = order.thenComparingInt(SortableMessage::seq);
    return found.stream().sorted(order).map(SortableMessage::number).toList();
  }

  private static Comparator<SortableMessage> comparator(Key key) {
    return switch (key) {
      case ARRIVAL -> Comparator.comparingLong(SortableMessage::internalDate);
      case DATE -> Comparator.comparingLong(SortableMessage::sentDate);
      case SIZE -> Comparator.comparingLong(SortableMessage::size);
      case SUBJECT -> Comparator.comparing(m -> m.subject().text(), AsciiCasemap.ORDER);
      case FROM -> Comparator.comparing(SortableMessage::from, AsciiCasemap.ORDER);
      case TO -> Comparator.comparing(SortableMessage::to, AsciiCasemap.ORDER);
      case CC -> Comparator.comparing(SortableMessage::cc, AsciiCasemap.ORDER);
      case DISPLAYFROM -> Comparator.comparing(SortableMessage::displayFrom, AsciiCasemap.ORDER);
      case DISPLAYTO -> Comparator.comparing(SortableMessage::displayTo, AsciiCasemap.ORDER);
    };
  }

  /** "SORT 2 3 1", with RFC 7162 §3.1.5's "(MODSEQ n)" after a search that used MODSEQ and found something. */
  public String response(List<SortableMessage> found) {
    StringBuilder b = new StringBuilder("SORT");
    for (long n : order(found)) {
      b.append(' ').append(n);
    }
    if (search.usesModSeq() && !found.isEmpty()) {
      b.append(" (MODSEQ ").append(found.stream().mapToLong(SortableMessage::modSeq).max().getAsLong()).append(')');
    }
    return b.toString();
  }
}
