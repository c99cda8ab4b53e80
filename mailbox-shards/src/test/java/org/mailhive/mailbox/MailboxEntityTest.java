package org.mailhive.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailhive.mailbox.MailboxProtocol.AppendReply;
import org.mailhive.mailbox.MailboxProtocol.Appended;
import org.mailhive.mailbox.MailboxProtocol.FlagChange;

class MailboxEntityTest {
  private static final ActorTestKit TESTKIT = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private static final String BLOB = "a".repeat(64);

  private final EventSourcedBehaviorTestKit<MailboxProtocol.Command, MailboxEvent, MailboxState> kit =
      EventSourcedBehaviorTestKit.create(TESTKIT.system(), MailboxEntity.create("alice@example.org:INBOX"),
          new EventSourcedBehaviorTestKit.SerializationSettings(true, true, true, true, false));

  @BeforeEach
  void clear() {
    kit.clear();
  }

  @AfterAll
  static void shutdown() {
    TESTKIT.shutdownTestKit();
  }

  private CommandResultWithReply<MailboxProtocol.Command, MailboxEvent, MailboxState, AppendReply> append(String requestId) {
    return kit.runCommand(replyTo -> new MailboxProtocol.Append(new RequestId(requestId), BLOB, 42, List.of("\\seen"),
        1_700_000_000_000L, "(NIL)", "(\"text\" \"plain\")", "(\"text\" \"plain\")", replyTo));
  }

  @Test
  void firstAppendCreatesTheMailboxAndGetsUidOne() {
    var result = append("r1");
    Appended appended = assertInstanceOf(Appended.class, result.reply());
    assertEquals(1, appended.uid());
    assertTrue(appended.uidValidity() > 0);
    assertEquals(2, result.events().size());
    assertInstanceOf(MailboxEvent.MailboxCreated.class, result.events().get(0));
    assertEquals(List.of("\\Seen"), result.state().message(1).flags());
    assertEquals(2, result.state().uidNext());
  }

  @Test
  void retriedAppendWithTheSameRequestIdIsNotStoredTwice() {
    append("r1");
    var again = append("r1");
    assertEquals(1, ((Appended) again.reply()).uid());
    assertTrue(again.hasNoEvents());
    assertEquals(1, again.state().size());
  }

  @Test
  void storeThenExpungeRemovesOnlyDeletedMessages() {
    append("r1");
    append("r2");
    var stored = kit.<MailboxProtocol.StoreReply>runCommand(replyTo -> new MailboxProtocol.StoreFlags(
        RequestId.random(), List.of(2L, 99L), FlagChange.ADD, List.of("\\Deleted"), replyTo));
    var fs = assertInstanceOf(MailboxProtocol.FlagsStored.class, stored.reply());
    assertEquals(List.of(new UidFlags(2, List.of("\\Deleted", "\\Seen"), fs.highestModSeq())), fs.changed());
    var expunged = kit.<MailboxProtocol.ExpungeReply>runCommand(replyTo ->
        new MailboxProtocol.Expunge(RequestId.random(), null, replyTo));
    assertEquals(List.of(2L), assertInstanceOf(MailboxProtocol.Expunged.class, expunged.reply()).uids());
    assertEquals(1, expunged.state().size());
    assertEquals(3, expunged.state().uidNext(), "UIDs are never reused");
  }

  @Test
  void keepsUidsAndFlagsAfterRestart() {
    Appended first = (Appended) append("r1").reply();
    kit.<MailboxProtocol.StoreReply>runCommand(replyTo -> new MailboxProtocol.StoreFlags(
        RequestId.random(), List.of(1L), FlagChange.REPLACE, List.of("\\Flagged"), replyTo));
    kit.restart();
    var opened = kit.<MailboxProtocol.Opened>runCommand(replyTo -> new MailboxProtocol.Open(null, replyTo));
    assertEquals(first.uidValidity(), opened.reply().uidValidity());
    assertEquals(2, opened.reply().uidNext());
    assertEquals(List.of("\\Flagged"), opened.reply().messages().get(0).flags());
  }

  @Test
  void subscribedListenerGetsEveryDurableChange() {
    TestProbe<MailboxProtocol.Change> listener = TestProbe.create(TESTKIT.system());
    kit.<MailboxProtocol.Opened>runCommand(replyTo -> new MailboxProtocol.Open(listener.getRef(), replyTo));
    append("r1");
    var added = listener.expectMessageClass(MailboxProtocol.MessagesAdded.class, Duration.ofSeconds(3));
    assertEquals(1, added.messages().get(0).uid());
  }

  private CommandResultWithReply<MailboxProtocol.Command, MailboxEvent, MailboxState, MailboxProtocol.Opened> open(
      TestProbe<MailboxProtocol.Change> listener, boolean claimRecent) {
    return kit.runCommand(replyTo -> new MailboxProtocol.Open(listener == null ? null : listener.getRef(), claimRecent, replyTo));
  }

  @Test
  void firstSelectClaimsRecentAndTheNextSelectFindsNone() {
    append("r1");
    append("r2");
    var examined = open(null, false);
    assertEquals(2, examined.reply().recentCount(), "EXAMINE sees the unclaimed messages as recent");
    assertTrue(examined.hasNoEvents(), "EXAMINE does not take \\Recent");
    var first = open(null, true);
    assertEquals(2, first.reply().recentCount());
    assertEquals(List.of(new MailboxEvent.RecentClaimed(2)), first.events());
    var second = open(null, true);
    assertEquals(0, second.reply().recentCount());
    assertTrue(second.hasNoEvents());
  }

  @Test
  void messageDeliveredWhileSelectedIsRecentInTheSelectingSessionOnly() {
    TestProbe<MailboxProtocol.Change> selecting = TestProbe.create(TESTKIT.system());
    TestProbe<MailboxProtocol.Change> examining = TestProbe.create(TESTKIT.system());
    open(selecting, true);
    open(examining, false);
    var appended = append("r1");
    assertInstanceOf(MailboxEvent.RecentClaimed.class, appended.events().get(appended.events().size() - 1));
    assertTrue(selecting.expectMessageClass(MailboxProtocol.MessagesAdded.class, Duration.ofSeconds(3)).recent());
    assertEquals(false, examining.expectMessageClass(MailboxProtocol.MessagesAdded.class, Duration.ofSeconds(3)).recent());
    assertEquals(0, open(null, true).reply().recentCount(), "already claimed by the selecting session");
  }

  @Test
  void messageDeliveredAfterTheOwnerLeftStaysRecentForTheNextSelect() {
    TestProbe<MailboxProtocol.Change> selecting = TestProbe.create(TESTKIT.system());
    open(selecting, true);
    kit.runCommand(new MailboxProtocol.Unsubscribe(selecting.getRef()));
    append("r1");
    assertEquals(1, open(null, true).reply().recentCount());
  }

  @Test
  void claimedRecentStaysClaimedAfterRestart() {
    append("r1");
    open(null, true);
    kit.restart();
    assertEquals(1, kit.getState().recentClaimedThrough());
    assertEquals(0, open(null, true).reply().recentCount());
  }

  private MailboxProtocol.Usage usage() {
    return kit.<MailboxProtocol.Usage>runCommand(MailboxProtocol.GetUsage::new).reply();
  }

  @Test
  void usageCountsMessagesAndTheirSizesFallsWithExpungeAndIsRebuiltOnRestart() {
    assertEquals(new MailboxProtocol.Usage(0, 0), usage());
    assertTrue(kit.getState().created() == false, "asking for usage does not create the mailbox");
    append("r1");
    append("r2");
    append("r3");
    assertEquals(new MailboxProtocol.Usage(3, 126), usage());
    kit.<MailboxProtocol.StoreReply>runCommand(replyTo -> new MailboxProtocol.StoreFlags(new RequestId("s"),
        List.of(2L), MailboxProtocol.FlagChange.ADD, List.of("\\Deleted"), replyTo));
    kit.<MailboxProtocol.ExpungeReply>runCommand(replyTo -> new MailboxProtocol.Expunge(new RequestId("e"), null, replyTo));
    assertEquals(new MailboxProtocol.Usage(2, 84), usage());
    kit.restart();
    assertEquals(new MailboxProtocol.Usage(2, 84), usage());
  }

  private MailboxProtocol.FlagsStored store(List<Long> uids, FlagChange change, String flag, long unchangedSince) {
    var r = kit.<MailboxProtocol.StoreReply>runCommand(replyTo -> new MailboxProtocol.StoreFlags(
        RequestId.random(), uids, change, List.of(flag), unchangedSince, replyTo));
    return assertInstanceOf(MailboxProtocol.FlagsStored.class, r.reply());
  }

  @Test
  void everyFlagChangeGetsANewModSeqAndAStoreThatChangesNothingKeepsIt() {
    append("r1");
    long afterAppend = kit.getState().highestModSeq();
    var first = store(List.of(1L), FlagChange.ADD, "\\Flagged", MailboxProtocol.UNCONDITIONAL);
    assertTrue(first.highestModSeq() > afterAppend);
    assertEquals(first.highestModSeq(), first.changed().get(0).modSeq());
    var same = store(List.of(1L), FlagChange.ADD, "\\Flagged", MailboxProtocol.UNCONDITIONAL);
    assertEquals(List.of(), same.changed());
    assertEquals(first.highestModSeq(), same.highestModSeq(), "a STORE that changes nothing keeps the modseq");
    var removed = store(List.of(1L), FlagChange.REMOVE, "\\Flagged", MailboxProtocol.UNCONDITIONAL);
    assertTrue(removed.highestModSeq() > first.highestModSeq());
  }

  @Test
  void conditionalStoreLeavesMessagesChangedAfterUnchangedSinceAndNamesThem() {
    append("r1");
    append("r2");
    long before = kit.getState().highestModSeq();
    store(List.of(2L), FlagChange.ADD, "\\Seen", MailboxProtocol.UNCONDITIONAL); // r2 already \Seen: no change
    var bumped = store(List.of(2L), FlagChange.ADD, "\\Answered", MailboxProtocol.UNCONDITIONAL);
    var conditional = store(List.of(1L, 2L), FlagChange.ADD, "\\Deleted", before);
    assertEquals(List.of(2L), conditional.modified());
    assertEquals(List.of(1L), conditional.changed().stream().map(UidFlags::uid).toList());
    assertEquals(List.of("\\Answered", "\\Seen"), kit.getState().message(2).flags());
    assertEquals(bumped.highestModSeq(), kit.getState().message(2).modSeq());
    var zero = store(List.of(1L), FlagChange.ADD, "\\Draft", 0);
    assertEquals(List.of(1L), zero.modified(), "UNCHANGEDSINCE 0 fails for every message (RFC 7162 §3.1.3)");
  }

  private CommandResultWithReply<MailboxProtocol.Command, MailboxEvent, MailboxState, MailboxProtocol.AppendAllReply>
      appendAll(String requestId, int count) {
    List<MailboxProtocol.NewMessage> batch = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(new MailboxProtocol.NewMessage(BLOB, 10 + i, List.of("\\draft"), 1_700_000_000_000L, "(NIL)",
          "(\"text\" \"plain\")", "(\"text\" \"plain\")"));
    }
    return kit.runCommand(replyTo -> new MailboxProtocol.AppendAll(new RequestId(requestId), List.copyOf(batch), replyTo));
  }

  @Test
  void appendAllStoresEveryMessageInOneEventWithConsecutiveUids() {
    append("r1");
    var result = appendAll("batch", 3);
    var appended = assertInstanceOf(MailboxProtocol.AppendedAll.class, result.reply());
    assertEquals(List.of(2L, 3L, 4L), appended.uids());
    assertEquals(1, result.events().size(), "one event carries the whole batch, so it is stored all or none");
    var event = assertInstanceOf(MailboxEvent.MessagesAppended.class, result.events().get(0));
    assertEquals(3, event.messages().size());
    assertEquals(List.of("\\Draft"), result.state().message(4).flags());
    assertEquals(new MailboxProtocol.Usage(4, 42 + 10 + 11 + 12), usage());
  }

  @Test
  void retriedAppendAllGetsTheSameUidsAndStoresNothingTwice() {
    appendAll("batch", 2);
    var again = appendAll("batch", 2);
    assertEquals(List.of(1L, 2L), assertInstanceOf(MailboxProtocol.AppendedAll.class, again.reply()).uids());
    assertTrue(again.hasNoEvents());
    assertEquals(2, again.state().size());
  }

  @Test
  void appendAllIsReplayedAfterRestart() {
    appendAll("batch", 3);
    kit.restart();
    assertEquals(4, kit.getState().uidNext());
    assertEquals(3, kit.getState().size());
    assertEquals(new MailboxProtocol.Usage(3, 33), usage());
  }

  @Test
  void subscribedListenerGetsTheWholeBatchInOnePush() {
    TestProbe<MailboxProtocol.Change> listener = TestProbe.create(TESTKIT.system());
    kit.<MailboxProtocol.Opened>runCommand(replyTo -> new MailboxProtocol.Open(listener.getRef(), replyTo));
    appendAll("batch", 2);
    var added = listener.expectMessageClass(MailboxProtocol.MessagesAdded.class, Duration.ofSeconds(3));
    assertEquals(2, added.messages().size());
  }

  private long expunge(List<Long> uids) {
    kit.<MailboxProtocol.StoreReply>runCommand(replyTo -> new MailboxProtocol.StoreFlags(
        RequestId.random(), uids, FlagChange.ADD, List.of("\\Deleted"), replyTo));
    var expunged = kit.<MailboxProtocol.ExpungeReply>runCommand(replyTo ->
        new MailboxProtocol.Expunge(RequestId.random(), uids, replyTo));
    return assertInstanceOf(MailboxProtocol.Expunged.class, expunged.reply()).highestModSeq();
  }

  private String vanishedSince(long modSeq) {
    return kit.<MailboxProtocol.Vanished>runCommand(replyTo -> new MailboxProtocol.GetVanished(modSeq, replyTo))
        .reply().uids().text();
  }

  @Test
  void expungeBumpsTheModSeqAndVanishedSinceNamesExactlyTheUidsExpungedAfterItAlsoAfterRestart() {
    for (int i = 1; i <= 6; i++) {
      append("r" + i);
    }
    long before = kit.<MailboxProtocol.Opened>runCommand(r -> new MailboxProtocol.Open(null, r)).reply().highestModSeq();
    long first = expunge(List.of(2L, 3L));
    assertTrue(first > before + 1, "the \\Deleted store and the expunge each take a mod-sequence");
    long second = expunge(List.of(5L));
    assertEquals("2:3,5", vanishedSince(before));
    assertEquals("5", vanishedSince(first));
    assertEquals("", vanishedSince(second));
    kit.restart();
    assertEquals("2:3,5", vanishedSince(before));
    assertEquals("5", vanishedSince(first));
    var opened = kit.<MailboxProtocol.Opened>runCommand(r -> new MailboxProtocol.Open(null, false, first, r)).reply();
    assertEquals("5", opened.vanished().text(), "Open answers the vanished UIDs with its snapshot");
    assertEquals(second, opened.highestModSeq());
  }

  @Test
  void subscribersLearnTheModSeqOfAnExpunge() {
    append("r1");
    TestProbe<MailboxProtocol.Change> probe = TESTKIT.createTestProbe();
    kit.runCommand(new MailboxProtocol.Subscribe(probe.ref()));
    long modSeq = expunge(List.of(1L));
    probe.expectMessageClass(MailboxProtocol.FlagsUpdated.class, Duration.ofSeconds(3));
    assertEquals(new MailboxProtocol.MessagesRemoved(List.of(1L), modSeq),
        probe.expectMessageClass(MailboxProtocol.MessagesRemoved.class, Duration.ofSeconds(3)));
  }
}
