package org.mailhive.imap.parse;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;

/** Client text from the RFCs' examples, verbatim, with the CRLF line ends the wire carries. */
final class Rfc3501Examples {
  private Rfc3501Examples() {}

  /** RFC 3501 §6.3.11, the 310-byte message of the APPEND example. */
  static final String APPEND_MESSAGE = String.join("\r\n",
      "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)",
      "From: Fred Foobar <foobar@Blurdybloop.COM>",
      "Subject: afternoon meeting",
      "To: mooch@owatagu.siam.edu",
      "Message-Id: <B27397-0100000@Blurdybloop.COM>",
      "MIME-Version: 1.0",
      "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
      "",
      "Hello Joe, do you think we can meet at 3:30 tomorrow?",
      "");

  static final String APPEND_COMMAND = "A003 APPEND saved-messages (\\Seen) {310}\r\n" + APPEND_MESSAGE;

  static ByteString bytes(String text) {
    return ByteString.fromString(text, StandardCharsets.ISO_8859_1);
  }

  static String text(ByteString bytes) {
    return bytes.decodeString(StandardCharsets.ISO_8859_1);
  }
}
