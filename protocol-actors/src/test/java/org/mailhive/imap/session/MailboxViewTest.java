package org.mailhive.imap.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.MessageMeta;
import org.mailhive.mailbox.UidFlags;
import org.mailhive.shard.MailboxAddress;

class MailboxViewTest {
  private static MessageMeta message(long uid) {
    return new MessageMeta(uid, uid, List.of(), 10, 0, "b" + uid, null, null, null);
  }

  /** Three messages, the last two recent in this session (claimed by its SELECT). */
  private static MailboxView view() {
    MailboxProtocol.Opened opened = new MailboxProtocol.Opened(7, 4, 3, List.of(message(1), message(2), message(3)), 2);
    return new MailboxView(new MailboxAddress("u@localhost", "INBOX"), false, opened, Set.of());
  }

  @Test
  void expungingARecentMessageReportsTheNewRecentCount() {
    MailboxView view = view();
    view.removeOwn(List.of(2L));
    List<String> out = new ArrayList<>();
    view.reportAll(out::add, false);
    assertEquals(List.of("2 EXPUNGE", "1 RECENT"), out);
  }

  @Test
  void expungingAMessageThatWasNotRecentSendsNoRecent() {
    MailboxView view = view();
    view.removeOwn(List.of(1L));
    List<String> out = new ArrayList<>();
    view.reportAll(out::add, false);
    assertEquals(List.of("1 EXPUNGE"), out);
  }

  @Test
  void flagChangesFromOtherSessionsCarryTheUidOnlyAfterAUidCommand() {
    MailboxView view = view();
    view.onChange(new MailboxProtocol.FlagsUpdated(List.of(new UidFlags(2, List.of("\\Seen"), 9))));
    List<String> out = new ArrayList<>();
    view.reportSafe(out::add, false);
    assertEquals(List.of("2 FETCH (FLAGS (\\Recent \\Seen))"), out);
    view.onChange(new MailboxProtocol.FlagsUpdated(List.of(new UidFlags(3, List.of("\\Flagged"), 10))));
    out.clear();
    view.reportSafe(out::add, true);
    assertEquals(List.of("3 FETCH (UID 3 FLAGS (\\Flagged \\Recent))"), out);
  }

  @Test
  void theFlagsOfAMessageAlreadyExpungedAreNotReported() {
    MailboxView view = view();
    view.onChange(new MailboxProtocol.FlagsUpdated(List.of(new UidFlags(2, List.of("\\Deleted"), 9))));
    view.onChange(new MailboxProtocol.MessagesRemoved(List.of(2L)));
    List<String> out = new ArrayList<>();
    view.reportSafe(out::add, false);
    assertEquals(List.of(), out);
    view.reportAll(out::add, false);
    assertEquals(List.of("2 EXPUNGE", "1 RECENT"), out);
  }

  @Test
  void theRecentCountIsSentOnceWhenExpungesAndNewMailComeTogether() {
    MailboxView view = view();
    view.removeOwn(List.of(3L));
    view.onChange(new MailboxProtocol.MessagesAdded(List.of(message(4), message(5)), true));
    List<String> out = new ArrayList<>();
    view.reportAll(out::add, false);
    assertEquals(List.of("3 EXPUNGE", "4 EXISTS", "3 RECENT"), out);
  }

  @Test
  void afterImap4rev2NoMessageIsRecentNoRecentResponseIsSentAndFlagUpdatesCarryTheUid() {
    MailboxView view = view();
    view.imap4rev2 = true;
    view.onChange(new MailboxProtocol.FlagsUpdated(List.of(new UidFlags(2, List.of("\\Seen"), 9))));
    view.removeOwn(List.of(3L));
    List<String> out = new ArrayList<>();
    view.reportAll(out::add, false);
    assertEquals(List.of("3 EXPUNGE", "2 FETCH (UID 2 FLAGS (\\Seen))"), out);
    assertEquals(false, view.isRecent(2));
    assertEquals(Set.of(2L), view.ownedRecent()); // still claimed, should the session re-select under IMAP4rev1 rules
  }

  @Test
  void afterImap4rev2ANewRecentMessageIsAnnouncedByExistsAlone() {
    MailboxView view = view();
    view.imap4rev2 = true;
    view.onChange(new MailboxProtocol.MessagesAdded(List.of(message(4)), true));
    List<String> out = new ArrayList<>();
    view.reportSafe(out::add, false);
    assertEquals(List.of("4 EXISTS"), out);
  }
}
