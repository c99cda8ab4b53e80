package org.mailhive.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailhive.account.AccountProtocol.Folders;
import org.mailhive.account.AccountProtocol.Reason;
import org.mailhive.account.AccountProtocol.Rejected;
import org.mailhive.account.AccountProtocol.Reply;
import org.mailhive.mailbox.RequestId;

class AccountEntityTest {
  private static final ActorTestKit TESTKIT = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  private final EventSourcedBehaviorTestKit<AccountProtocol.Command, AccountEvent, AccountState> kit =
      EventSourcedBehaviorTestKit.create(TESTKIT.system(), AccountEntity.create("alice@example.org:"),
          new EventSourcedBehaviorTestKit.SerializationSettings(true, true, true, true, false));

  @BeforeEach
  void clear() {
    kit.clear();
  }

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  private Reply create(String name) {
    return kit.<Reply>runCommand(r -> new AccountProtocol.CreateFolder(name, "", RequestId.random(), r)).reply();
  }

  private Folders folders() {
    return (Folders) kit.<Reply>runCommand(AccountProtocol.GetFolders::new).reply();
  }

  @Test
  void firstUseCreatesInboxAndTheSpecialUseFoldersAllSubscribed() {
    Folders f = folders();
    assertEquals(List.of("Drafts", "INBOX", "Junk", "Sent", "Trash"), f.folders().stream().map(Folder::name).toList());
    assertEquals("\\Sent", f.folder("Sent").specialUse());
    assertEquals("INBOX", f.folder("INBOX").mailboxId());
    assertEquals(List.of("Drafts", "INBOX", "Junk", "Sent", "Trash"), f.subscriptions());
  }

  @Test
  void createMakesMissingParentsAndRefusesDuplicates() {
    Folders f = assertInstanceOf(Folders.class, create("a/b/c"));
    assertTrue(f.hasChildren("a", "/"));
    assertTrue(f.hasChildren("a/b", "/"));
    assertFalse(f.folder("a/b/c").noselect());
    Rejected r = assertInstanceOf(Rejected.class, create("a/b"));
    assertEquals(Reason.ALREADY_EXISTS, r.reason());
    assertEquals(Reason.ALREADY_EXISTS, assertInstanceOf(Rejected.class, create("inbox")).reason());
  }

  @Test
  void deleteOfAParentLeavesItNoselectAndARecreatedFolderGetsAFreshMailbox() {
    create("a/b");
    String oldId = folders().folder("a").mailboxId();
    kit.<Reply>runCommand(r -> new AccountProtocol.DeleteFolder("a", RequestId.random(), r));
    assertTrue(folders().folder("a").noselect());
    Rejected again = assertInstanceOf(Rejected.class,
        kit.<Reply>runCommand(r -> new AccountProtocol.DeleteFolder("a", RequestId.random(), r)).reply());
    assertEquals(Reason.CANNOT, again.reason());
    Folders f = assertInstanceOf(Folders.class, create("a"));
    assertNotEquals(oldId, f.folder("a").mailboxId());
  }

  @Test
  void aFolderCommandSentAgainWithItsRequestIdIsAnsweredButNotAppliedTwiceAlsoAfterARestart() {
    RequestId createId = RequestId.random();
    Folders first = assertInstanceOf(Folders.class,
        kit.<Reply>runCommand(r -> new AccountProtocol.CreateFolder("Lists", "", createId, r)).reply());
    kit.restart();
    // The same CREATE once more (a resend after a hand-off): answered with the folders, not ALREADY_EXISTS.
    var again = kit.<Reply>runCommand(r -> new AccountProtocol.CreateFolder("Lists", "", createId, r));
    assertEquals(first.folder("Lists"), assertInstanceOf(Folders.class, again.reply()).folder("Lists"));
    assertTrue(again.events().isEmpty(), "nothing written for the resend");
    // A new CREATE of the same name is a new command and is refused as before.
    assertEquals(Reason.ALREADY_EXISTS, assertInstanceOf(Rejected.class, create("Lists")).reason());

    RequestId renameId = RequestId.random();
    kit.<Reply>runCommand(r -> new AccountProtocol.RenameFolder("Lists", "Archive/Lists", renameId, r));
    Folders renamedAgain = assertInstanceOf(Folders.class,
        kit.<Reply>runCommand(r -> new AccountProtocol.RenameFolder("Lists", "Archive/Lists", renameId, r)).reply());
    assertEquals(first.folder("Lists").mailboxId(), renamedAgain.folder("Archive/Lists").mailboxId());

    RequestId deleteId = RequestId.random();
    kit.<Reply>runCommand(r -> new AccountProtocol.DeleteFolder("Archive/Lists", deleteId, r));
    Folders deletedAgain = assertInstanceOf(Folders.class,
        kit.<Reply>runCommand(r -> new AccountProtocol.DeleteFolder("Archive/Lists", deleteId, r)).reply());
    assertNull(deletedAgain.folder("Archive/Lists"));
  }

  @Test
  void inboxCannotBeDeleted() {
    Rejected r = assertInstanceOf(Rejected.class,
        kit.<Reply>runCommand(x -> new AccountProtocol.DeleteFolder("INBOX", RequestId.random(), x)).reply());
    assertEquals(Reason.CANNOT, r.reason());
  }

  @Test
  void renameMovesInferiorsAndKeepsMailboxIds() {
    create("a/b");
    String id = folders().folder("a/b").mailboxId();
    Folders f = assertInstanceOf(Folders.class,
        kit.<Reply>runCommand(r -> new AccountProtocol.RenameFolder("a", "x/y", RequestId.random(), r)).reply());
    assertNull(f.folder("a"));
    assertNull(f.folder("a/b"));
    assertEquals(id, f.folder("x/y/b").mailboxId());
    assertTrue(f.folder("x") != null && !f.folder("x").noselect());
  }

  @Test
  void renamingInboxCreatesANewFolderAndKeepsInbox() {
    Folders f = assertInstanceOf(Folders.class,
        kit.<Reply>runCommand(r -> new AccountProtocol.RenameFolder("inbox", "Old", RequestId.random(), r)).reply());
    assertEquals("INBOX", f.folder("INBOX").mailboxId());
    assertNotEquals("INBOX", f.folder("Old").mailboxId());
  }

  @Test
  void subscriptionsSurviveARestart() {
    kit.<Reply>runCommand(r -> new AccountProtocol.Subscribe("Lists/pekko", r));
    kit.<Reply>runCommand(r -> new AccountProtocol.Unsubscribe("Junk", r));
    create("Work");
    kit.restart();
    Folders f = folders();
    assertTrue(f.subscriptions().contains("Lists/pekko"));
    assertFalse(f.subscriptions().contains("Junk"));
    assertTrue(f.folder("Work") != null);
  }

  private boolean observe(boolean atWarningLevel) {
    return kit.<AccountProtocol.WarningDecision>runCommand(
        r -> new AccountProtocol.ObserveQuota(atWarningLevel, 900, 9, r)).reply().send();
  }

  @Test
  void theQuotaWarningIsSentOnceForEachCrossingAndRememberedAcrossARestart() {
    assertFalse(observe(false));
    assertTrue(observe(true), "the first crossing sends");
    assertFalse(observe(true), "still above: no second warning");
    kit.restart();
    assertTrue(kit.getState().quotaWarned());
    assertFalse(observe(true), "nor after a restart");
    assertFalse(observe(false), "back below the level re-arms");
    assertFalse(kit.getState().quotaWarned());
    assertTrue(observe(true), "the next crossing sends again");
  }
}
