package org.mailhive.mailbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.mailhive.mailbox.MailboxEvent.FlagsChanged;
import org.mailhive.mailbox.MailboxEvent.MailboxCreated;
import org.mailhive.mailbox.MailboxEvent.MessageAppended;
import org.mailhive.mailbox.MailboxEvent.MessagesExpunged;
import org.mailhive.mailbox.MailboxEvent.RecentClaimed;
import org.mailhive.mailbox.MailboxProtocol.Append;
import org.mailhive.mailbox.MailboxProtocol.Appended;
import org.mailhive.mailbox.MailboxProtocol.Command;
import org.mailhive.mailbox.MailboxProtocol.Expunge;
import org.mailhive.mailbox.MailboxProtocol.Expunged;
import org.mailhive.mailbox.MailboxProtocol.FlagsStored;
import org.mailhive.mailbox.MailboxProtocol.Open;
import org.mailhive.mailbox.MailboxProtocol.Opened;
import org.mailhive.mailbox.MailboxProtocol.StoreFlags;
import org.mailhive.mailbox.MailboxProtocol.Subscribe;
import org.mailhive.mailbox.MailboxProtocol.Unsubscribe;

/**
 * The single writer for one mailbox. Every change is an event in the journal; a reply (and with it the client's
 * OK or 250) is sent only after the journal has the event, and the message body was made durable in the blob
 * store before the Append arrived. Replay rebuilds {@link MailboxState} from the events alone.
 *
 * <p>Sessions that have the mailbox open subscribe to it and get each durable change pushed to them; the set of
 * subscribers is runtime state, not persisted, and sessions re-subscribe whenever they poll (NOOP, IDLE) and
 * unsubscribe when they close. (The entity cannot watch them: the persistence testkit requires the behaviour
 * to be a bare EventSourcedBehavior without an ActorContext.)
 * A UID is never reused: UIDNEXT only grows, and UIDVALIDITY is fixed when the mailbox is created.
 *
 * <p>\Recent (RFC 3501 §2.3.2) is a claim, not a flag: the state keeps the UID up to which some session has
 * claimed it. A SELECT ({@code Open} with {@code claimRecent}) takes every message above that mark and becomes the
 * recent owner, which also takes messages delivered while it stays subscribed; EXAMINE and STATUS only look. The
 * claim is persisted ({@code RecentClaimed}, one event per SELECT that finds unclaimed mail, or per delivery to a
 * mailbox a session has SELECTed) so that a restart or shard hand-off does not make old mail recent again, as
 * Dovecot keeps first_recent_uid in its index. The owner itself is runtime state: after a restart the next SELECT
 * becomes owner. If an owner vanishes without unsubscribing, messages delivered meanwhile are recent in no session
 * — RFC 3501 says they SHOULD then be recent, an accepted gap.
 */
public final class MailboxEntity
    extends EventSourcedBehaviorWithEnforcedReplies<Command, MailboxEvent, MailboxState> {

  private final Set<ActorRef<MailboxProtocol.Change>> listeners = new HashSet<>();
  /** The session that SELECTed last and is still subscribed: new messages are \Recent in it alone. */
  private ActorRef<MailboxProtocol.Change> recentOwner;

  private MailboxEntity(PersistenceId persistenceId) {
    super(persistenceId);
  }

  public static MailboxEntity create(String entityId) {
    return new MailboxEntity(PersistenceId.of("Mailbox", entityId));
  }

  @Override
  public MailboxState emptyState() {
    return new MailboxState();
  }

  @Override
  public CommandHandlerWithReply<Command, MailboxEvent, MailboxState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Open.class, this::onOpen)
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(Unsubscribe.class, this::onUnsubscribe)
        .onCommand(Append.class, this::onAppend)
        .onCommand(MailboxProtocol.AppendAll.class, this::onAppendAll)
        .onCommand(StoreFlags.class, this::onStoreFlags)
        .onCommand(Expunge.class, this::onExpunge)
        .onCommand(MailboxProtocol.GetUsage.class, this::onGetUsage)
        .onCommand(MailboxProtocol.AnnounceDeletion.class, this::onAnnounceDeletion)
        .onCommand(MailboxProtocol.GetVanished.class, this::onGetVanished)
        .build();
  }

  // Subscribers are runtime state and die with this incarnation; tell them, so they follow the mailbox to the node
  // its shard moves to (#6 drain: an IDLE session stays open and still gets the new-mail push after the move).
  @Override
  public org.apache.pekko.persistence.typed.javadsl.SignalHandler<MailboxState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(org.apache.pekko.actor.typed.PostStop.instance(), state -> {
          MailboxProtocol.Moved moved = new MailboxProtocol.Moved(persistenceId().entityId());
          listeners.forEach(l -> l.tell(moved));
        })
        .build();
  }

  @Override
  public EventHandler<MailboxState, MailboxEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(MailboxState::apply);
  }

  private ReplyEffect<MailboxEvent, MailboxState> onOpen(MailboxState state, Open cmd) {
    if (cmd.listener() != null) {
      subscribe(cmd.listener());
    }
    List<MailboxEvent> events = new ArrayList<>(2);
    if (!state.created()) {
      events.add(created());
    }
    long firstRecentUid = state.recentClaimedThrough() + 1;
    if (cmd.claimRecent()) {
      if (cmd.listener() != null) {
        recentOwner = cmd.listener();
      }
      if (state.hasUnclaimedRecent()) {
        events.add(new RecentClaimed(state.uidNext() - 1));
      }
    }
    long since = cmd.vanishedSince();
    if (events.isEmpty()) {
      return Effect().reply(cmd.replyTo(), opened(state, firstRecentUid, since));
    }
    return Effect().persist(events).thenReply(cmd.replyTo(), s -> opened(s, firstRecentUid, since));
  }

  private ReplyEffect<MailboxEvent, MailboxState> onSubscribe(MailboxState state, Subscribe cmd) {
    subscribe(cmd.listener());
    return Effect().noReply();
  }

  private ReplyEffect<MailboxEvent, MailboxState> onAnnounceDeletion(MailboxState state,
                                                                  MailboxProtocol.AnnounceDeletion cmd) {
    notifyListeners(new MailboxProtocol.MailboxDeleted(persistenceId().entityId()));
    listeners.clear();
    recentOwner = null;
    return Effect().noReply();
  }

  private ReplyEffect<MailboxEvent, MailboxState> onUnsubscribe(MailboxState state, Unsubscribe cmd) {
    listeners.remove(cmd.listener());
    if (cmd.listener().equals(recentOwner)) {
      recentOwner = null;
    }
    return Effect().noReply();
  }

  private ReplyEffect<MailboxEvent, MailboxState> onAppend(MailboxState state, Append cmd) {
    Long earlier = state.uidOfRequest(cmd.requestId().value());
    if (earlier != null) {
      return Effect().reply(cmd.replyTo(), new Appended(state.uidValidity(), earlier));
    }
    List<MailboxEvent> events = new ArrayList<>(2);
    long uidValidity = state.uidValidity();
    if (!state.created()) {
      MailboxCreated created = created();
      uidValidity = created.uidValidity();
      events.add(created);
    }
    long uid = state.uidNext();
    MessageMeta meta = new MessageMeta(uid, state.highestModSeq() + 1, Flags.normalise(cmd.flags()), cmd.size(),
        cmd.internalDate(), cmd.blobId(), cmd.envelope(), cmd.bodyStructure(), cmd.body());
    events.add(new MessageAppended(cmd.requestId().value(), meta));
    // RFC 3501 §2.3.2: a message that arrives while a session has the mailbox SELECTed is recent in that session.
    ActorRef<MailboxProtocol.Change> owner = recentOwner != null && listeners.contains(recentOwner) ? recentOwner : null;
    if (owner != null) {
      events.add(new RecentClaimed(uid));
    }
    long replyValidity = uidValidity;
    return Effect().persist(events)
        .thenRun(s -> notifyAdded(List.of(meta), owner))
        .thenReply(cmd.replyTo(), s -> new Appended(replyValidity, uid));
  }

  /**
   * RFC 3502 §3: the messages of one MULTIAPPEND are stored all or none; one event carries them all, so the journal
   * has either every one or none. They share one mod-sequence, being one change (RFC 7162 §3.1).
   */
  private ReplyEffect<MailboxEvent, MailboxState> onAppendAll(MailboxState state, MailboxProtocol.AppendAll cmd) {
    int count = cmd.messages().size();
    Long earlier = state.uidOfRequest(cmd.requestId().value());
    if (earlier != null) {
      return Effect().reply(cmd.replyTo(), new MailboxProtocol.AppendedAll(state.uidValidity(), consecutive(earlier, count)));
    }
    if (count == 0) {
      return Effect().reply(cmd.replyTo(),
          new MailboxProtocol.Rejected(MailboxProtocol.Reason.LIMIT, "no messages to append"));
    }
    List<MailboxEvent> events = new ArrayList<>(3);
    long uidValidity = state.uidValidity();
    if (!state.created()) {
      MailboxCreated created = created();
      uidValidity = created.uidValidity();
      events.add(created);
    }
    long firstUid = state.uidNext();
    long modSeq = state.highestModSeq() + 1;
    List<MessageMeta> metas = new ArrayList<>(count);
    for (MailboxProtocol.NewMessage m : cmd.messages()) {
      metas.add(new MessageMeta(firstUid + metas.size(), modSeq, Flags.normalise(m.flags()), m.size(),
          m.internalDate(), m.blobId(), m.envelope(), m.bodyStructure(), m.body()));
    }
    List<MessageMeta> added = List.copyOf(metas);
    events.add(new MailboxEvent.MessagesAppended(cmd.requestId().value(), added));
    ActorRef<MailboxProtocol.Change> owner = recentOwner != null && listeners.contains(recentOwner) ? recentOwner : null;
    if (owner != null) {
      events.add(new RecentClaimed(firstUid + count - 1));
    }
    long replyValidity = uidValidity;
    return Effect().persist(events)
        .thenRun(s -> notifyAdded(added, owner))
        .thenReply(cmd.replyTo(), s -> new MailboxProtocol.AppendedAll(replyValidity, consecutive(firstUid, count)));
  }

  private static List<Long> consecutive(long first, int count) {
    List<Long> uids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      uids.add(first + i);
    }
    return List.copyOf(uids);
  }

  private ReplyEffect<MailboxEvent, MailboxState> onGetUsage(MailboxState state, MailboxProtocol.GetUsage cmd) {
    return Effect().reply(cmd.replyTo(), new MailboxProtocol.Usage(state.size(), state.totalSize()));
  }

  private ReplyEffect<MailboxEvent, MailboxState> onGetVanished(MailboxState state, MailboxProtocol.GetVanished cmd) {
    return Effect().reply(cmd.replyTo(), new MailboxProtocol.Vanished(state.vanishedSince(cmd.sinceModSeq())));
  }

  private ReplyEffect<MailboxEvent, MailboxState> onStoreFlags(MailboxState state, StoreFlags cmd) {
    long modSeq = state.highestModSeq() + 1;
    List<UidFlags> changed = new ArrayList<>();
    List<Long> modified = new ArrayList<>();
    for (Long uid : cmd.uids()) {
      MessageMeta m = state.message(uid);
      if (m == null) {
        continue; // RFC 3501 §6.4.8: UIDs that do not exist are ignored, not an error
      }
      // RFC 7162 §3.1.3: a message changed after UNCHANGEDSINCE fails the test and keeps its flags.
      if (cmd.unchangedSince() >= 0 && m.modSeq() > cmd.unchangedSince()) {
        modified.add(uid);
        continue;
      }
      List<String> next = Flags.change(m.flags(), cmd.change(), cmd.flags());
      if (!next.equals(m.flags())) {
        changed.add(new UidFlags(uid, next, modSeq));
      }
    }
    if (changed.isEmpty()) {
      // Nothing changed, so no new mod-sequence either (RFC 7162 §3.1: it grows only when metadata changes).
      return Effect().reply(cmd.replyTo(), new FlagsStored(List.of(), state.highestModSeq(), List.copyOf(modified)));
    }
    List<UidFlags> result = List.copyOf(changed);
    List<Long> failed = List.copyOf(modified);
    return Effect().persist(new FlagsChanged(result, modSeq))
        .thenRun(s -> notifyListeners(new MailboxProtocol.FlagsUpdated(result)))
        .thenReply(cmd.replyTo(), s -> new FlagsStored(result, s.highestModSeq(), failed));
  }

  private ReplyEffect<MailboxEvent, MailboxState> onExpunge(MailboxState state, Expunge cmd) {
    List<Long> gone = new ArrayList<>();
    if (cmd.uids() == null) {
      for (MessageMeta m : state.messagesWithFlag("\\Deleted")) {
        gone.add(m.uid());
      }
    } else {
      for (Long uid : cmd.uids()) {
        MessageMeta m = state.message(uid);
        if (m != null && m.hasFlag("\\Deleted")) {
          gone.add(uid);
        }
      }
    }
    if (gone.isEmpty()) {
      return Effect().reply(cmd.replyTo(), new Expunged(List.of(), state.highestModSeq()));
    }
    List<Long> result = List.copyOf(gone);
    long modSeq = state.highestModSeq() + 1;
    return Effect().persist(new MessagesExpunged(result, modSeq))
        .thenRun(s -> notifyListeners(new MailboxProtocol.MessagesRemoved(result, modSeq)))
        .thenReply(cmd.replyTo(), s -> new Expunged(result, s.highestModSeq()));
  }

  private void subscribe(ActorRef<MailboxProtocol.Change> listener) {
    listeners.add(listener);
  }

  private void notifyAdded(List<MessageMeta> added, ActorRef<MailboxProtocol.Change> recentOwner) {
    for (ActorRef<MailboxProtocol.Change> l : listeners) {
      l.tell(new MailboxProtocol.MessagesAdded(added, l.equals(recentOwner)));
    }
  }

  private void notifyListeners(MailboxProtocol.Change change) {
    for (ActorRef<MailboxProtocol.Change> l : listeners) {
      l.tell(change);
    }
  }

  // UIDVALIDITY must differ from any earlier incarnation of a mailbox with the same name (RFC 3501 §2.3.1.1);
  // seconds since the epoch do, and fit the 32 bits IMAP allows until 2106.
  private static MailboxCreated created() {
    return new MailboxCreated(Math.max(1, System.currentTimeMillis() / 1000));
  }

  private static Opened opened(MailboxState s, long firstRecentUid, long vanishedSince) {
    return new Opened(s.uidValidity(), s.uidNext(), s.highestModSeq(), s.snapshot(), firstRecentUid,
        vanishedSince < 0 ? UidRanges.NONE : s.vanishedSince(vanishedSince));
  }
}
