package org.mailhive.pop3.session;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.MessageMeta;

/**
 * The INBOX as one POP3 session sees it (RFC 1939 §4): a snapshot taken at login, numbered from 1, plus the
 * messages this session marked with DELE and the ones it retrieved. Messages delivered later are not seen
 * until the next session, as RFC 1939 §8 and Dovecot do.
 *
 * <p>UIDLs are the mailbox's UIDVALIDITY and the message's UID in Dovecot's default {@code pop3_uidl_format}
 * ({@code %08Xu%08Xv}), so they survive restarts (both are journaled) and match what an IMAP client sees.
 */
final class Maildrop {
  private final long uidValidity;
  private final List<MessageMeta> messages;
  private final BitSet deleted = new BitSet();
  private final BitSet retrieved = new BitSet();

  Maildrop(MailboxProtocol.Opened opened) {
    this.uidValidity = opened.uidValidity();
    this.messages = List.copyOf(opened.messages());
  }

  int size() {
    return messages.size();
  }

  /** Exists and is not marked deleted. */
  boolean visible(int msg) {
    return msg >= 1 && msg <= messages.size() && !deleted.get(msg);
  }

  boolean exists(int msg) {
    return msg >= 1 && msg <= messages.size();
  }

  MessageMeta get(int msg) {
    return messages.get(msg - 1);
  }

  String uidl(int msg) {
    return String.format(Locale.ROOT, "%08X%08X", get(msg).uid(), uidValidity);
  }

  void delete(int msg) {
    deleted.set(msg);
  }

  void retrieved(int msg) {
    retrieved.set(msg);
  }

  /** RSET (RFC 1939 §5): every DELE of this session is undone. */
  void reset() {
    deleted.clear();
  }

  int visibleCount() {
    return messages.size() - deleted.cardinality();
  }

  long visibleOctets() {
    long total = 0;
    for (int msg = 1; msg <= messages.size(); msg++) {
      if (!deleted.get(msg)) {
        total += get(msg).size();
      }
    }
    return total;
  }

  List<Integer> visibleNumbers() {
    List<Integer> out = new ArrayList<>();
    for (int msg = 1; msg <= messages.size(); msg++) {
      if (!deleted.get(msg)) {
        out.add(msg);
      }
    }
    return out;
  }

  List<Long> deletedUids() {
    return deleted.stream().mapToObj(msg -> get(msg).uid()).toList();
  }

  /** Retrieved, not deleted, and not yet \Seen: Dovecot marks these \Seen at QUIT. */
  List<Long> newlySeenUids() {
    return retrieved.stream().filter(msg -> !deleted.get(msg) && !get(msg).hasFlag("\\Seen"))
        .mapToObj(msg -> get(msg).uid()).toList();
  }
}
