package org.mailhive.queue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.mailhive.queue.QueueProtocol.ClaimDue;
import org.mailhive.queue.QueueProtocol.Command;
import org.mailhive.queue.QueueProtocol.Due;
import org.mailhive.queue.QueueProtocol.Enqueue;
import org.mailhive.queue.QueueProtocol.Enqueued;
import org.mailhive.queue.QueueProtocol.RecordAttempt;
import org.mailhive.queue.QueueProtocol.Recorded;
import org.mailhive.queue.QueueProtocol.Status;

/**
 * One partition of the outbound queue: the single writer of the messages waiting for remote delivery that were
 * put into it. Enqueue replies only after {@code MessageQueued} is in the replicated journal (two store nodes), and
 * the body was stored in the blob store before, so the SMTP 250 for a remote recipient means what it means for a
 * local one. Replay rebuilds {@link QueueState}: what is still to be delivered.
 *
 * <p>Delivery runs elsewhere (the edge nodes' {@code OutboundDelivery} actors), which claim due messages with a
 * lease: while a message is leased no other node gets it, so one message is not sent by two nodes at once. Leases
 * are runtime state: after a restart or hand-off every message is due again at its own time, and one whose
 * attempt was in flight is tried again (at-least-once). The clock comes with each command, so tests control it.
 */
public final class QueueEntity extends EventSourcedBehaviorWithEnforcedReplies<Command, QueueEvent, QueueState> {
  private final Map<String, Long> leasedUntil = new HashMap<>();

  private QueueEntity(PersistenceId persistenceId) {
    super(persistenceId);
  }

  public static QueueEntity create(String entityId) {
    return new QueueEntity(PersistenceId.of("Queue", entityId));
  }

  @Override
  public QueueState emptyState() {
    return new QueueState();
  }

  @Override
  public CommandHandlerWithReply<Command, QueueEvent, QueueState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Enqueue.class, this::onEnqueue)
        .onCommand(ClaimDue.class, this::onClaimDue)
        .onCommand(RecordAttempt.class, this::onRecordAttempt)
        .onCommand(Status.class, this::onStatus)
        .build();
  }

  // A fresh incarnation (restart, hand-off) holds no leases, even if the same behaviour instance is restarted.
  @Override
  public SignalHandler<QueueState> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> leasedUntil.clear()).build();
  }

  @Override
  public EventHandler<QueueState, QueueEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(QueueState::apply);
  }

  private ReplyEffect<QueueEvent, QueueState> onEnqueue(QueueState state, Enqueue cmd) {
    String id = cmd.message().entryId();
    if (state.message(id) != null) {
      return Effect().reply(cmd.replyTo(), new Enqueued(id));
    }
    return Effect().persist(new QueueEvent.MessageQueued(cmd.message())).thenReply(cmd.replyTo(), s -> new Enqueued(id));
  }

  private ReplyEffect<QueueEvent, QueueState> onClaimDue(QueueState state, ClaimDue cmd) {
    List<QueuedMessage> due = new ArrayList<>();
    for (QueuedMessage m : state.messages()) {
      if (due.size() >= cmd.max()) {
        break;
      }
      Long lease = leasedUntil.get(m.entryId());
      if (m.nextAttemptAt() <= cmd.now() && (lease == null || lease <= cmd.now())) {
        leasedUntil.put(m.entryId(), cmd.now() + cmd.leaseMillis());
        due.add(m);
      }
    }
    return Effect().reply(cmd.replyTo(), new Due(List.copyOf(due), state.size(), state.recipientCount()));
  }

  private ReplyEffect<QueueEvent, QueueState> onRecordAttempt(QueueState state, RecordAttempt cmd) {
    leasedUntil.remove(cmd.entryId());
    if (state.message(cmd.entryId()) == null) {
      return Effect().reply(cmd.replyTo(), new Recorded(cmd.entryId()));
    }
    return Effect().persist(new QueueEvent.AttemptRecorded(cmd.entryId(), cmd.delivered(), cmd.failed(),
            cmd.deferred(), cmd.nextAttemptAt(), cmd.lastReply()))
        .thenReply(cmd.replyTo(), s -> new Recorded(cmd.entryId()));
  }

  private ReplyEffect<QueueEvent, QueueState> onStatus(QueueState state, Status cmd) {
    return Effect().reply(cmd.replyTo(), new Due(List.of(), state.size(), state.recipientCount()));
  }
}
