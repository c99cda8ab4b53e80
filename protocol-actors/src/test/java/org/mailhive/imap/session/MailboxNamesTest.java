package org.mailhive.imap.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;

class MailboxNamesTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 4);

  private static String parsed(String wire, boolean utf8) throws ImapParseException {
    ImapArgs args = new ImapArgs(ByteString.fromString(wire, StandardCharsets.UTF_8), LIMITS);
    args.utf8Accepted(utf8);
    return args.mailbox();
  }

  /** RFC 3501 §5.1.3's example name, "~peter/mail/台北/日本語", sent both ways, is one stored name. */
  @Test
  void aUtf8NameAfterEnableIsTheSameMailboxAsItsModifiedUtf7Form() throws ImapParseException {
    String mutf7 = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
    assertEquals(mutf7, parsed("\"~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e\"", true));
    assertEquals(mutf7, parsed("\"" + mutf7 + "\"", false));
    assertEquals("\"~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e\"", MailboxNames.quoted(mutf7, true));
    assertEquals("\"" + mutf7 + "\"", MailboxNames.quoted(mutf7, false));
  }

  @Test
  void anAmpersandIsPlainInUtf8AndEscapedInModifiedUtf7() throws ImapParseException {
    assertEquals("R&-D", parsed("\"R&D\"", true));
    assertEquals("\"R&D\"", MailboxNames.quoted("R&-D", true));
    assertEquals("INBOX", parsed("inbox", true));
  }

  @Test
  void listPatternsAreConvertedLikeNames() throws ImapParseException {
    ImapArgs args = new ImapArgs(ByteString.fromString(" \"\" \"\u65e5*\"", StandardCharsets.UTF_8), LIMITS);
    args.utf8Accepted(true);
    ListCommand cmd = ListCommand.parse(args, java.util.Set.of("MESSAGES"));
    assertEquals(java.util.List.of("&ZeU-*"), cmd.patterns());
    assertEquals(true, cmd.utf8Names());
  }
}
