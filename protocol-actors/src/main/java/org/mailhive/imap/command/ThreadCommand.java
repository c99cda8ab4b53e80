package org.mailhive.imap.command;

import java.util.List;
import java.util.Locale;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;

/**
 * THREAD and UID THREAD (RFC 5256 §4): {@code THREAD algorithm charset search-criteria}. The criteria are SEARCH's;
 * the algorithms ({@link ThreadOrderedSubject}, {@link ThreadReferences}) read only the metadata kept at delivery.
 */
public record ThreadCommand(Algorithm algorithm, String charset, SearchCommand search, boolean byUid) {

  /** Advertised in CAPABILITY. */
  public static final String CAPABILITIES = "THREAD=ORDEREDSUBJECT THREAD=REFERENCES";

  public enum Algorithm { ORDEREDSUBJECT, REFERENCES }

  public static ThreadCommand parse(ImapArgs args, boolean byUid) throws ImapParseException {
    args.sp();
    String name = args.atom().toUpperCase(Locale.ROOT);
    Algorithm algorithm;
    try {
      algorithm = Algorithm.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new ImapParseException("unknown threading algorithm " + name); // RFC 5256 §4: BAD
    }
    args.sp();
    String charset = args.astring();
    args.sp();
    return new ThreadCommand(algorithm, charset, SearchCommand.parseCriteria(args, byUid), byUid);
  }

  /** "THREAD (2)(3 6 (4 23)(44 7 96))", or "THREAD" when nothing matched. */
  public String response(List<SortableMessage> found) {
    return ThreadNode.response(switch (algorithm) {
      case ORDEREDSUBJECT -> ThreadOrderedSubject.threads(found);
      case REFERENCES -> ThreadReferences.threads(found);
    });
  }
}
