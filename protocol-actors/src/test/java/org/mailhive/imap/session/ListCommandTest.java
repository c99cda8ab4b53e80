package org.mailhive.imap.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.account.AccountProtocol;
import org.mailhive.account.Folder;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;

class ListCommandTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 4);
  private static final Set<String> STATUS_ITEMS = Set.of("MESSAGES", "UNSEEN");
  private static final AccountProtocol.Folders FOLDERS = new AccountProtocol.Folders(List.of(
      new Folder("INBOX", "m1", "", false), new Folder("Sent", "m2", "\\Sent", false),
      new Folder("Foo", "m3", "", true), new Folder("Foo/Bar", "m4", "", false)),
      List.of("INBOX", "Foo/Bar", "Gone"));

  private static ListCommand parse(String text) throws ImapParseException {
    return ListCommand.parse(new ImapArgs(ByteString.fromString(text), LIMITS), STATUS_ITEMS);
  }

  private static List<String> texts(ListCommand cmd) {
    return cmd.lines(FOLDERS).stream().map(ListCommand.Line::text).toList();
  }

  @Test
  void aPlainListIsTheRfc3501One() throws Exception {
    ListCommand cmd = parse(" \"\" %");
    assertEquals(List.of("LIST (\\HasNoChildren) \"/\" \"INBOX\"", "LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
        "LIST (\\Noselect \\HasChildren) \"/\" \"Foo\""), texts(cmd));
    assertTrue(parse(" \"\" \"\"").asksForDelimiter());
  }

  @Test
  void theSubscribedSelectionListsSubscriptionsAndMarksMissingOnesNonExistent() throws Exception {
    assertEquals(List.of("LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"",
        "LIST (\\HasNoChildren \\Subscribed) \"/\" \"Foo/Bar\"", "LIST (\\Subscribed \\NonExistent) \"/\" \"Gone\""),
        texts(parse(" (SUBSCRIBED) \"\" *")));
  }

  @Test
  void recursiveMatchReportsASubscribedChildAsChildInfo() throws Exception {
    assertEquals(List.of("LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"",
        "LIST (\\Noselect \\HasChildren) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))",
        "LIST (\\Subscribed \\NonExistent) \"/\" \"Gone\""), texts(parse(" (SUBSCRIBED RECURSIVEMATCH) \"\" %")));
  }

  @Test
  void severalPatternsAndStatusOnlyForSelectableFolders() throws Exception {
    ListCommand cmd = parse(" \"\" (INBOX \"Fo*\") RETURN (SUBSCRIBED STATUS (MESSAGES UNSEEN))");
    List<ListCommand.Line> lines = cmd.lines(FOLDERS);
    assertEquals(List.of("LIST (\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"",
        "LIST (\\Noselect \\HasChildren) \"/\" \"Foo\"", "LIST (\\HasNoChildren \\Subscribed) \"/\" \"Foo/Bar\""),
        texts(cmd));
    assertEquals("m1", lines.get(0).status().mailboxId());
    assertNull(lines.get(1).status(), "a \\Noselect folder has no STATUS (RFC 5819 §2)");
    assertEquals(List.of("MESSAGES", "UNSEEN"), cmd.statusItems());
  }

  @Test
  void theSpecialUseSelectionListsOnlySpecialUseFolders() throws Exception {
    assertEquals(List.of("LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\""), texts(parse(" (SPECIAL-USE) \"\" *")));
  }

  @ParameterizedTest
  @ValueSource(strings = {" (RECURSIVEMATCH) \"\" *", " (BOGUS) \"\" *", " \"\" * RETURN (BOGUS)",
      " \"\" * RETURN (STATUS ())", " \"\" * RETURN (STATUS (HIGHESTMODSEQ))", " \"\" (\"*\"", " \"\" ()",
      " \"\" * EXTRA (X)", " (SUBSCRIBED)\"\" *"})
  void malformedExtendedListsAreParseErrors(String text) {
    assertThrows(ImapParseException.class, () -> parse(text));
  }
}
