package org.mailhive.imap.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mailhive.account.AccountProtocol;
import org.mailhive.account.Folder;

class LsubLinesTest {
  private static final AccountProtocol.Folders FOLDERS = new AccountProtocol.Folders(
      List.of(new Folder("INBOX", "INBOX", "", false), new Folder("a", "m1", "", false),
          new Folder("a/b", "m2", "", false), new Folder("gone/c", "m3", "", false), new Folder("held", "", "", true)),
      List.of("INBOX", "a/b", "whatever", "gone/c", "held"));

  @Test
  void percentListsAnUnsubscribedParentOfASubscriptionAsNoselect() {
    // RFC 3501 §6.3.9: "foo/bar" subscribed, "foo" not: "%" returns foo, flagged \Noselect.
    assertEquals(Map.of("INBOX", "", "a", "\\Noselect", "whatever", "", "gone", "\\Noselect", "held", "\\Noselect"),
        LsubLines.of("%", FOLDERS, "/"));
  }

  @Test
  void aSubscribedNameWhoseMailboxIsGoneIsListedWithoutAttributes() {
    assertEquals(Map.of("whatever", ""), LsubLines.of("w*", FOLDERS, "/"));
    assertEquals(Map.of("a/b", ""), LsubLines.of("a/%", FOLDERS, "/"));
    assertEquals(Map.of("INBOX", "", "a/b", "", "whatever", "", "gone/c", "", "held", "\\Noselect"),
        LsubLines.of("*", FOLDERS, "/"));
  }
}
