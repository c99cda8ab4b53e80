package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PrimitiveIterator;
import java.util.function.Consumer;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.imap.parse.SequenceSet;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.MessageMeta;
import org.mailhive.mailbox.UidRanges;

/**
 * QRESYNC (RFC 7162 §3.2): the SELECT/EXAMINE parameter, the FETCH modifiers it adds, and the VANISHED responses.
 * Which session has it enabled, and when removals may be reported, is the session's business.
 */
public final class QResync {
  private QResync() {}

  public static final String CAPABILITY = "QRESYNC";

  /** RFC 7162 §3.2.5, §3.2.6: QRESYNC syntax from a client that did not ENABLE it is a BAD. */
  public static final String NOT_ENABLED = "[CLIENTBUG] ENABLE QRESYNC first";

  /**
   * RFC 7162 §3.2.11: the boundary between the responses of the mailbox a SELECT/EXAMINE closed and those of the one
   * it opens. Sent, as Dovecot does, to sessions that enabled QRESYNC: the others cannot rely on it anyway.
   */
  public static final String CLOSED = "OK [CLOSED] Previous mailbox closed";

  /** RFC 7162 §3.2.5: the parenthesised QRESYNC argument of SELECT/EXAMINE. */
  public record Resync(long uidValidity, long modSeq, UidRanges knownUids, UidRanges knownSeqs,
                       UidRanges knownSeqUids) {
    /** Whether the client named the UIDs it knows; without them it knows every UID (RFC 7162 §3.2.5). */
    public boolean limitsUids() {
      return knownUids != null;
    }
  }

  /** The select-params of SELECT/EXAMINE: CONDSTORE (RFC 7162 §3.1.8) and QRESYNC (§3.2.5); {@code resync} may be null. */
  public record SelectParams(boolean condStore, Resync resync) {}

  /** The fetch-modifiers (RFC 7162 §3.1.4.1, §3.2.6): CHANGEDSINCE, or {@link FetchCommand#ALWAYS}, and VANISHED. */
  public record FetchModifiers(long changedSince, boolean vanished) {}

  /** select-params = "(" select-param *(SP select-param) ")"; each one at most once. */
  public static SelectParams selectParams(ImapArgs args) throws ImapParseException {
    args.openParen();
    boolean condStore = false;
    Resync resync = null;
    do {
      String atom = args.atom().toUpperCase(Locale.ROOT);
      if (atom.equals(CondStore.CAPABILITY) && !condStore) {
        condStore = true;
      } else if (atom.equals(CAPABILITY) && resync == null) {
        args.sp();
        resync = resync(args);
      } else {
        throw new ImapParseException("unknown or repeated SELECT parameter " + atom);
      }
    } while (args.tryConsumeSpace());
    if (!args.tryCloseParen()) {
      throw new ImapParseException("expected ) after the SELECT parameters");
    }
    return new SelectParams(condStore, resync);
  }

  /**
   * "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")", seq-match-data =
   * "(" known-sequence-set SP known-uid-set ")"; none of the sets may use "*" (RFC 7162 §7).
   */
  static Resync resync(ImapArgs args) throws ImapParseException {
    args.openParen();
    long uidValidity = args.nzNumber();
    args.sp();
    long modSeq = CondStore.modSeqValue(args);
    UidRanges known = null;
    UidRanges seqs = null;
    UidRanges seqUids = null;
    if (args.tryConsumeSpace()) {
      if (!args.peek('(')) {
        known = explicitSet(args);
      }
      if (known == null || args.tryConsumeSpace()) {
        args.openParen();
        seqs = explicitSet(args);
        args.sp();
        seqUids = explicitSet(args);
        if (!args.tryCloseParen()) {
          throw new ImapParseException("expected ) after the known UID set");
        }
        // RFC 7162 §3.2.5: the two sets pair up member by member.
        if (seqs.count() != seqUids.count()) {
          throw new ImapParseException("known sequence set and known UID set differ in size");
        }
      }
    }
    if (!args.tryCloseParen()) {
      throw new ImapParseException("expected ) after the QRESYNC parameters");
    }
    return new Resync(uidValidity, modSeq, known, seqs, seqUids);
  }

  /** A sequence-set without "*" and "$" (RFC 7162 §7: known-uids, known-sequence-set, known-uid-set). */
  private static UidRanges explicitSet(ImapArgs args) throws ImapParseException {
    int at = args.position();
    if (args.peek('$')) {
      throw new ImapParseException("$ not allowed in QRESYNC at position " + at);
    }
    String text = args.sequenceSet().toString();
    if (text.contains("*")) {
      throw new ImapParseException("* not allowed in QRESYNC at position " + at);
    }
    return ranges(text, 0);
  }

  /** A sequence-set's members as ranges, "*" standing for {@code largest}; never walks the members. */
  public static UidRanges ranges(SequenceSet set, long largest) {
    if (set.isSavedResult()) {
      List<Long> uids = new ArrayList<>();
      set.members(Long.MAX_VALUE).forEach(uids::add); // "$" holds the UIDs a SEARCH found, a bounded list
      return UidRanges.of(uids);
    }
    return ranges(set.toString(), largest);
  }

  private static UidRanges ranges(String text, long largest) {
    List<UidRanges.Range> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String[] ends = part.split(":");
      long a = ends[0].equals("*") ? largest : Long.parseLong(ends[0]);
      long b = ends.length == 1 ? a : ends[1].equals("*") ? largest : Long.parseLong(ends[1]);
      if (Math.max(a, b) >= 1) {
        out.add(new UidRanges.Range(Math.max(1, Math.min(a, b)), Math.max(a, b)));
      }
    }
    return UidRanges.ofRanges(out);
  }

  /** fetch-modifiers = "(" fetch-modifier *(SP fetch-modifier) ")": CHANGEDSINCE n and VANISHED, each at most once. */
  public static FetchModifiers fetchModifiers(ImapArgs args, boolean byUid) throws ImapParseException {
    args.openParen();
    long changedSince = FetchCommand.ALWAYS;
    boolean vanished = false;
    do {
      String atom = args.atom().toUpperCase(Locale.ROOT);
      if (atom.equals("CHANGEDSINCE") && changedSince == FetchCommand.ALWAYS) {
        args.sp();
        changedSince = CondStore.modSeqValzer(args);
      } else if (atom.equals("VANISHED") && !vanished) {
        vanished = true;
      } else {
        throw new ImapParseException("unknown or repeated FETCH modifier " + atom);
      }
    } while (args.tryConsumeSpace());
    if (!args.tryCloseParen()) {
      throw new ImapParseException("expected ) after the FETCH modifiers");
    }
    // RFC 7162 §3.2.6: VANISHED only in UID FETCH and only together with CHANGEDSINCE.
    if (vanished && (!byUid || changedSince == FetchCommand.ALWAYS)) {
      throw new ImapParseException("VANISHED needs UID FETCH and CHANGEDSINCE");
    }
    return new FetchModifiers(changedSince, vanished);
  }

  /**
   * What a SELECT/EXAMINE (QRESYNC ...) answers after the usual responses (RFC 7162 §3.2.5): VANISHED (EARLIER) for
   * the UIDs the client knows that were expunged since its mod-sequence, then a FETCH with UID, FLAGS and MODSEQ for
   * each message it knows that changed since then. Nothing when UIDVALIDITY changed: the client must start over.
   */
  public static void answer(Resync r, MailboxProtocol.Opened o, FlagsText flags, Consumer<String> untagged) {
    if (r.uidValidity() != o.uidValidity()) {
      return;
    }
    UidRanges vanished = o.vanished();
    if (r.limitsUids()) {
      vanished = vanished.intersect(r.knownUids());
    }
    long matchedThrough = matchedThrough(r, o.messages());
    if (matchedThrough > 0) {
      vanished = vanished.intersect(UidRanges.ofRanges(List.of(new UidRanges.Range(matchedThrough + 1, Long.MAX_VALUE))));
    }
    if (!vanished.none()) {
      untagged.accept(vanishedEarlier(vanished));
    }
    List<MessageMeta> messages = o.messages();
    for (int i = 0; i < messages.size(); i++) {
      MessageMeta m = messages.get(i);
      if (m.modSeq() > r.modSeq() && (!r.limitsUids() || r.knownUids().contains(m.uid()))) {
        untagged.accept((i + 1) + " FETCH (UID " + m.uid() + " FLAGS " + flags.of(m) + " "
            + CondStore.fetchItem(m.modSeq()) + ")");
      }
    }
  }

  /** How a message's FLAGS are written in this session (\Recent is per session). */
  public interface FlagsText {
    String of(MessageMeta m);
  }

  /**
   * RFC 7162 §3.2.5.2 seq-match-data: walking the client's (sequence number, UID) pairs in order, every pair that
   * still holds tells that no message up to that UID was expunged since the client looked; the first pair that no
   * longer holds ends the walk. Returns the UID of the last pair that held, or 0.
   */
  static long matchedThrough(Resync r, List<MessageMeta> messages) {
    if (r.knownSeqs() == null) {
      return 0;
    }
    long through = 0;
    PrimitiveIterator.OfLong seqs = r.knownSeqs().members();
    PrimitiveIterator.OfLong uids = r.knownSeqUids().members();
    while (seqs.hasNext() && uids.hasNext()) {
      long seq = seqs.nextLong();
      long uid = uids.nextLong();
      if (seq > messages.size() || messages.get((int) seq - 1).uid() != uid) {
        break;
      }
      through = uid;
    }
    return through;
  }

  /** RFC 7162 §3.2.10: expunges the client learns of now, changing its message numbers. */
  public static String vanished(UidRanges uids) {
    return "VANISHED " + uids.text();
  }

  /** RFC 7162 §3.2.10: expunges the client missed earlier; they do not change its message count. */
  public static String vanishedEarlier(UidRanges uids) {
    return "VANISHED (EARLIER) " + uids.text();
  }

  /** RFC 7162 §3.2.7, §3.2.8: with QRESYNC, the tagged OK of EXPUNGE, UID EXPUNGE and CLOSE names the new value. */
  public static String withHighestModSeq(long modSeq, String text) {
    return "[HIGHESTMODSEQ " + modSeq + "] " + text;
  }
}
