package org.mailhive.mime;

import static org.mailhive.mime.ImapStrings.nstring;

import java.util.ArrayList;
import java.util.List;

/**
 * The IMAP ENVELOPE of one message (RFC 3501 §7.4.2, RFC 9051 §7.5.2): date, subject, six address lists,
 * in-reply-to and message-id.
 *
 * <p>RFC 5322 §3.6 allows each of these fields once; RFC 3501 does not say what to report when one is repeated. We
 * do what Dovecot does, so clients see the same envelope: the last Date, Subject, In-Reply-To and Message-ID, and
 * the addresses of every From, Sender, Reply-To, To, Cc and Bcc field in order (no recipient is dropped).
 */
final class Envelope {
  private Envelope() {}

  static String render(RawHeaders headers) {
    List<AddressList.Entry> from = addresses(headers, "From");
    // RFC 3501 §7.4.2: an absent or empty Sender or Reply-To takes the value of From.
    List<AddressList.Entry> sender = orFrom(addresses(headers, "Sender"), from);
    List<AddressList.Entry> replyTo = orFrom(addresses(headers, "Reply-To"), from);
    return "(" + nstring(headers.last("Date"))
        + " " + nstring(headers.last("Subject"))
        + " " + AddressList.toImap(from)
        + " " + AddressList.toImap(sender)
        + " " + AddressList.toImap(replyTo)
        + " " + AddressList.toImap(addresses(headers, "To"))
        + " " + AddressList.toImap(addresses(headers, "Cc"))
        + " " + AddressList.toImap(addresses(headers, "Bcc"))
        + " " + nstring(headers.last("In-Reply-To"))
        + " " + nstring(headers.last("Message-ID"))
        + ")";
  }

  private static List<AddressList.Entry> addresses(RawHeaders headers, String name) {
    List<AddressList.Entry> all = new ArrayList<>();
    for (String field : headers.all(name)) {
      all.addAll(AddressList.parse(field));
    }
    return all;
  }

  private static List<AddressList.Entry> orFrom(List<AddressList.Entry> list, List<AddressList.Entry> from) {
    return list.isEmpty() ? from : list;
  }
}
