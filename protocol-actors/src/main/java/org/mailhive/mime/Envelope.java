package org.mailhive.mime;

import static org.mailhive.mime.ImapStrings.nstring;

import java.util.List;

/**
 * The IMAP ENVELOPE of one message (RFC 3501 §7.4.2, RFC 9051 §7.5.2): date, subject, six address lists,
 * in-reply-to and message-id, each taken from the first header field of that name.
 */
final class Envelope {
  private Envelope() {}

  static String render(RawHeaders headers) {
    List<AddressList.Entry> from = AddressList.parse(headers.first("From"));
    // RFC 3501 §7.4.2: an absent or empty Sender or Reply-To takes the value of From.
    List<AddressList.Entry> sender = orFrom(AddressList.parse(headers.first("Sender")), from);
    List<AddressList.Entry> replyTo = orFrom(AddressList.parse(headers.first("Reply-To")), from);
    return "(" + nstring(headers.first("Date"))
        + " " + nstring(headers.first("Subject"))
        + " " + AddressList.toImap(from)
        + " " + AddressList.toImap(sender)
        + " " + AddressList.toImap(replyTo)
        + " " + AddressList.toImap(AddressList.parse(headers.first("To")))
        + " " + AddressList.toImap(AddressList.parse(headers.first("Cc")))
        + " " + AddressList.toImap(AddressList.parse(headers.first("Bcc")))
        + " " + nstring(headers.first("In-Reply-To"))
        + " " + nstring(headers.first("Message-ID"))
        + ")";
  }

  private static List<AddressList.Entry> orFrom(List<AddressList.Entry> list, List<AddressList.Entry> from) {
    return list.isEmpty() ? from : list;
  }
}
