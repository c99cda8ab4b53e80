package org.mailhive.imap.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailhive.account.AccountProtocol;
import org.mailhive.account.Folder;
import org.mailhive.imap.command.SearchReturn;

class Rev2Test {
  @Test
  void aSearchWithoutReturnIsAnsweredAsReturnAllInEsearchForm() {
    SearchReturn returns = Rev2.searchReturn(null);
    assertEquals("ESEARCH (TAG \"a1\") ALL 1:3,7", returns.response("a1", false, List.of(1L, 2L, 3L, 7L)));
    assertEquals("ESEARCH (TAG \"a2\") UID ALL 40", returns.response("a2", true, List.of(40L)));
  }

  @Test
  void aSearchThatMatchesNothingGetsAnEsearchWithoutAll() {
    assertEquals("ESEARCH (TAG \"a3\")", Rev2.searchReturn(null).response("a3", false, List.of()));
  }

  @Test
  void aReturnTheClientGaveIsKeptAsItIs() {
    SearchReturn asked = new SearchReturn(EnumSet.of(SearchReturn.Option.COUNT));
    assertSame(asked, Rev2.searchReturn(asked));
  }

  @Test
  void selectListsTheMailboxWithTheAttributesListGives() {
    AccountProtocol.Folders folders = new AccountProtocol.Folders(List.of(
        new Folder("INBOX", "m1", "", false), new Folder("Sent", "m2", "\\Sent", false),
        new Folder("Entw&APw-rfe", "m3", "", false), new Folder("Entw&APw-rfe/Alt", "m4", "", false)),
        List.of("INBOX"));
    assertEquals("LIST (\\HasNoChildren) \"/\" \"INBOX\"", Rev2.selectList(folders, "INBOX", true));
    assertEquals("LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"", Rev2.selectList(folders, "Sent", true));
    assertEquals("LIST (\\HasChildren) \"/\" \"Entwürfe\"", Rev2.selectList(folders, "Entw&APw-rfe", true));
  }
}
