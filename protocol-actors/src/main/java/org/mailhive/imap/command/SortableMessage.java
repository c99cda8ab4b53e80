package org.mailhive.imap.command;

import java.util.List;
import org.mailhive.mailbox.MessageMeta;

/**
 * What SORT and THREAD (RFC 5256) know of one message that matched their search criteria, all taken from the
 * metadata computed at delivery ({@link MessageMeta}: size, internal date and the ENVELOPE), never from the body.
 *
 * <p>References: the stored ENVELOPE keeps Message-ID and In-Reply-To but not the References header, so
 * {@code references} is the In-Reply-To's first Message ID, which RFC 5256 §4 (REFERENCES, step 1A) prescribes for
 * a message without References. For the usual reply chains, where In-Reply-To names the last entry of References,
 * this builds the same threads; it differs only when a thread's intermediate messages are absent from the mailbox.
 * TODO(#4): keep References with the metadata at delivery (MessageSummary to MessageMeta), then read it here.
 *
 * @param seq the message sequence number, which breaks every tie (RFC 5256 §3)
 * @param number what the response names the message by: {@code seq}, or the UID for UID SORT and UID THREAD
 * @param sentDate {@link SentDate}, in epoch milliseconds
 * @param from addr-mailbox of the first From address, "" if none; likewise {@code to} and {@code cc}
 * @param displayFrom RFC 5957 §2: the decoded display name of the first From address, else its addr-spec
 * @param messageId the first valid Message ID of Message-ID, or null
 * @param references the parent chain, oldest first (see above)
 */
public record SortableMessage(int seq, long number, long modSeq, long size, long internalDate, long sentDate,
                              BaseSubject subject, String from, String to, String cc, String displayFrom,
                              String displayTo, String messageId, List<String> references) {
  private static final int DATE = 0;
  private static final int SUBJECT = 1;
  private static final int FROM = 2;
  private static final int TO = 5;
  private static final int CC = 6;
  private static final int IN_REPLY_TO = 8;
  private static final int MESSAGE_ID = 9;

  public static SortableMessage of(int seq, long number, MessageMeta meta) {
    List<?> env = EnvelopeFields.parse(meta.envelope());
    String inReplyTo = MessageIds.first(EnvelopeFields.field(env, IN_REPLY_TO));
    return new SortableMessage(seq, number, meta.modSeq(), meta.size(), meta.internalDate(),
        SentDate.of(EnvelopeFields.field(env, DATE), meta.internalDate()),
        BaseSubject.of(EnvelopeFields.field(env, SUBJECT)),
        mailbox(env, FROM), mailbox(env, TO), mailbox(env, CC), display(env, FROM), display(env, TO),
        MessageIds.first(EnvelopeFields.field(env, MESSAGE_ID)),
        inReplyTo == null ? List.of() : List.of(inReplyTo));
  }

  private static String mailbox(List<?> env, int index) {
    List<?> addr = EnvelopeFields.firstAddress(env, index);
    return addr == null || addr.get(2) == null ? "" : (String) addr.get(2);
  }

  private static String display(List<?> env, int index) {
    List<?> addr = EnvelopeFields.firstAddress(env, index);
    if (addr == null) {
      return "";
    }
    String name = addr.get(0) == null ? "" : BaseSubject.decode((String) addr.get(0)).trim();
    return name.isEmpty() ? (addr.get(2) == null ? "" : addr.get(2)) + "@" + addr.get(3) : name;
  }
}
