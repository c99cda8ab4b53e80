package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.mailbox.MailboxProtocol;

class AppendCommandTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 4);

  private static AppendCommand parse(String afterAppend, boolean utf8) throws ImapParseException {
    ImapArgs args = new ImapArgs(ByteString.fromString(afterAppend, StandardCharsets.UTF_8), LIMITS);
    args.utf8Accepted(utf8);
    return AppendCommand.parse(args);
  }

  @Test
  void aSingleMessageKeepsItsFlagsAndDate() throws ImapParseException {
    AppendCommand cmd = parse(" saved-messages (\\Seen) \"7-Feb-1994 21:52:25 -0800\" {5}\r\nhello", false);
    assertEquals("saved-messages", cmd.mailbox());
    assertEquals(1, cmd.messages().size());
    AppendCommand.Message m = cmd.messages().get(0);
    assertEquals(List.of("\\Seen"), m.flags());
    assertEquals(760686745000L, m.internalDate());
    assertEquals("hello", m.body().utf8String());
    assertFalse(m.literal8());
  }

  /** RFC 3502 §6.3.11's example: two messages, the second without flags or date. */
  @Test
  void multiappendOfTheRfcExampleParsesBothMessages() throws ImapParseException {
    AppendCommand cmd = parse(" saved-messages (\\Seen) {3}\r\none (\\Seen \\Flagged) \"7-Feb-1994 21:52:25 -0800\""
        + " {3+}\r\ntwo {5}\r\nthree", false);
    assertEquals(List.of("one", "two", "three"), cmd.messages().stream().map(m -> m.body().utf8String()).toList());
    assertEquals(List.of("\\Seen", "\\Flagged"), cmd.messages().get(1).flags());
    assertEquals(AppendCommand.NOW, cmd.messages().get(2).internalDate());
    assertEquals(List.of(), cmd.messages().get(2).flags());
  }

  @Test
  void aLiteral8MayCarryNul() throws ImapParseException {
    AppendCommand cmd = parse(" INBOX ~{3}\r\na\0b", false);
    assertTrue(cmd.messages().get(0).literal8());
    assertEquals(3, cmd.messages().get(0).body().size());
  }

  @Test
  void theUtf8DataItemIsAcceptedOnlyAfterEnable() throws ImapParseException {
    String args = " INBOX UTF8 (~{8}\r\nS: \u00e9t\u00e9)";
    assertThrows(ImapParseException.class, () -> parse(args, false));
    AppendCommand cmd = parse(args, true);
    assertEquals("S: \u00e9t\u00e9", cmd.messages().get(0).body().utf8String());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",                                   // no mailbox
      " INBOX",                             // no message
      " INBOX {3}\r\none (\\Seen)",         // MULTIAPPEND: flags without their literal
      " INBOX {3}\r\none ",                 // a trailing space promises another message
      " INBOX {3}\r\none\"7-Feb-1994 21:52:25 -0800\" {3}\r\ntwo", // no space between messages
      " INBOX \"not a date\" {1}\r\nx",
      " INBOX \"body as a quoted string\"",
      " INBOX UTF8 ({3}\r\none)",           // UTF8 needs literal8
      " INBOX UTF8 (~{3}\r\none",           // unclosed
      " INBOX ~{9}\r\nshort",               // literal8 shorter than announced
      " INBOX ~{x}\r\nx"})
  void malformedAppendsAreRefused(String args) {
    assertThrows(ImapParseException.class, () -> parse(args, true));
  }

  @Test
  void appendUidListsTheUidsAsACompactSet() {
    assertEquals("[APPENDUID 38505 3955:3957]",
        AppendCommand.appendUid(new MailboxProtocol.AppendedAll(38505, List.of(3955L, 3956L, 3957L))));
    assertEquals("[APPENDUID 7 1]", AppendCommand.appendUid(new MailboxProtocol.AppendedAll(7, List.of(1L))));
  }
}
