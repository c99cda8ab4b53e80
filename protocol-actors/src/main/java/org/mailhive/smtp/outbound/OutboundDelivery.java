package org.mailhive.smtp.outbound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.ByteString;
import org.mailhive.config.MailhiveSettings.OutboundSettings;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.DirectorySnapshot;
import org.mailhive.directory.UserDirectory;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mime.MessageSummary;
import org.mailhive.net.LogText;
import org.mailhive.queue.OutboundQueue;
import org.mailhive.queue.QueueProtocol;
import org.mailhive.queue.QueuedMessage;
import org.mailhive.queue.RetrySchedule;
import org.mailhive.shard.MailboxAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what waits in the outbound queue. One runs on every edge node: every {@code poll-interval} it claims the
 * due messages of each queue partition (a claim is a lease, so two nodes never send one message at once), reads
 * each body from the blob store, and makes one attempt with {@link SmtpRelay} on the outbound dispatcher. Then:
 * delivered recipients are done; a 5xx, or a 4xx once the message is older than {@code max-lifetime}, is bounced
 * to the envelope sender ({@link Bounce}; not for the null sender); other 4xx and connection failures wait for
 * the next try ({@link RetrySchedule}). The outcome is journaled by the partition ({@code RecordAttempt}), and only
 * what is journaled as delivered is never sent again: a node that dies after the remote 250 but before that write
 * sends the message again when the lease has run out. Delivery is at least once, like any MTA's.
 *
 * <p>It also logs the queue size when it changes ({@code queue_status messages=… recipients=…}), from the sizes
 * the partitions report with each claim.
 */
public final class OutboundDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(OutboundDelivery.class);
  public static final String DISPATCHER = "mailhive.smtp.outbound.dispatcher";

  public interface Command {}

  private enum Poll implements Command { INSTANCE }

  private record Claimed(String partition, QueueProtocol.Due due, Throwable failure) implements Command {}

  private record Finished(String entryId, Throwable failure) implements Command {}

  private record Attempt(ByteString message, Map<String, RecipientResult> results) {}

  private final ActorContext<Command> ctx;
  private final OutboundQueue queue;
  private final OutboundSettings settings;
  private final String hostname;
  private final UserDirectory directory;
  private final Delivery delivery;
  private final SmtpRelay relay;
  private final RetrySchedule schedule;
  private final Executor blocking;
  private final int maxInFlight;
  private final Set<String> inFlight = new HashSet<>();
  private int claimsPending;
  private int roundMessages;
  private int roundRecipients;
  private String lastStatus = "";

  private OutboundDelivery(ActorContext<Command> ctx, OutboundQueue queue, OutboundSettings settings, String hostname,
                           UserDirectory directory, Delivery delivery) {
    this.ctx = ctx;
    this.queue = queue;
    this.settings = settings;
    this.hostname = hostname;
    this.directory = directory;
    this.delivery = delivery;
    this.relay = new SmtpRelay(settings, hostname);
    this.schedule = new RetrySchedule(settings.retryInitial(), settings.retryMax(), settings.maxLifetime());
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER));
    // One attempt holds one thread of the dispatcher for its whole SMTP conversation.
    this.maxInFlight = ctx.getSystem().settings().config().getInt(DISPATCHER + ".thread-pool-executor.fixed-pool-size");
  }

  public static Behavior<Command> create(OutboundQueue queue, OutboundSettings settings, String hostname,
                                         UserDirectory directory, Delivery delivery) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Poll.INSTANCE, settings.pollInterval());
      return new OutboundDelivery(ctx, queue, settings, hostname, directory, delivery).behavior();
    }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Poll.INSTANCE, this::onPoll)
        .onMessage(Claimed.class, this::onClaimed)
        .onMessage(Finished.class, this::onFinished)
        .build();
  }

  private Behavior<Command> onPoll() {
    if (claimsPending > 0) {
      return Behaviors.same(); // the last round has not come back yet (a partition is moving): do not pile up
    }
    long now = System.currentTimeMillis();
    roundMessages = 0;
    roundRecipients = 0;
    List<String> partitions = queue.partitionIds();
    // Each partition may hand out a share of the free slots, so one round never claims more than we can run.
    int free = Math.max(0, maxInFlight - inFlight.size());
    int share = (free + partitions.size() - 1) / partitions.size();
    for (String partition : partitions) {
      int max = Math.min(share, free);
      free -= max;
      claimsPending++;
      ctx.pipeToSelf(queue.claim(partition, now, settings.lease(), max),
          (due, failure) -> new Claimed(partition, due, failure));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onClaimed(Claimed c) {
    claimsPending--;
    if (c.failure() != null) {
      LOG.debug("queue_claim_failed partition={} reason=\"{}\"", c.partition(), c.failure().toString());
      roundMessages = -1;
    } else {
      if (roundMessages >= 0) {
        roundMessages += c.due().queued();
        roundRecipients += c.due().recipients();
      }
      for (QueuedMessage m : c.due().messages()) {
        if (inFlight.add(m.entryId())) {
          ctx.pipeToSelf(attempt(c.partition(), m), (v, failure) -> new Finished(m.entryId(), failure));
        }
      }
    }
    if (claimsPending == 0 && roundMessages >= 0) {
      String status = "messages=" + roundMessages + " recipients=" + roundRecipients;
      if (!status.equals(lastStatus)) {
        LOG.info("queue_status {}", status);
        lastStatus = status;
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onFinished(Finished f) {
    inFlight.remove(f.entryId());
    if (f.failure() != null) {
      // The lease keeps the message from every node until it runs out; then it is tried again.
      LOG.warn("outbound_attempt_failed queue_id={} reason=\"{}\"", f.entryId(), f.failure().toString());
    }
    return Behaviors.same();
  }

  // Runs outside the actor: it touches only thread-safe collaborators, never this actor's fields but the final ones.
  private CompletionStage<Void> attempt(String partition, QueuedMessage m) {
    return queue.body(partition, m)
        .thenApplyAsync(bytes -> new Attempt(bytes, relay.attempt(m.sender(), m.recipients(), bytes)), blocking)
        .thenCompose(a -> conclude(partition, m, a));
  }

  private CompletionStage<Void> conclude(String partition, QueuedMessage m, Attempt a) {
    long now = System.currentTimeMillis();
    List<String> delivered = new ArrayList<>();
    List<String> deferred = new ArrayList<>();
    Map<String, RecipientResult> failed = new LinkedHashMap<>();
    boolean expired = schedule.expired(m.queuedAt(), now);
    String lastReply = "";
    for (Map.Entry<String, RecipientResult> e : a.results().entrySet()) {
      RecipientResult r = e.getValue();
      String to = e.getKey();
      switch (r.kind()) {
        case DELIVERED -> {
          delivered.add(to);
          LOG.info("delivered proto=smtp-out queue_id={} from=\"{}\" to=\"{}\" relay={} size={} attempts={} reply=\"{}\"",
              m.entryId(), LogText.clean(m.sender()), LogText.clean(to), r.remoteMta(), m.size(), m.attempts() + 1,
              LogText.clean(r.reply()));
        }
        case PERMANENT -> failed.put(to, r);
        case TRANSIENT -> {
          if (expired) {
            failed.put(to, new RecipientResult(RecipientResult.Kind.TRANSIENT, "451 4.4.7 Message expired after "
                + settings.maxLifetime() + " in the queue; last reply: " + r.reply(), null));
          } else {
            deferred.add(to);
            lastReply = r.reply();
            LOG.info("deferred queue_id={} from=\"{}\" to=\"{}\" attempts={} retry_in_ms={} reply=\"{}\"",
                m.entryId(), LogText.clean(m.sender()), LogText.clean(to), m.attempts() + 1,
                schedule.delayAfter(m.attempts() + 1).toMillis(), LogText.clean(r.reply()));
          }
        }
      }
    }
    failed.forEach((to, r) -> LOG.info("bounced queue_id={} from=\"{}\" to=\"{}\" status={} reply=\"{}\"", m.entryId(),
        LogText.clean(m.sender()), LogText.clean(to), r.status(), LogText.clean(r.reply())));
    long next = now + schedule.delayAfter(m.attempts() + 1).toMillis();
    String reply = lastReply;
    CompletionStage<Void> bounce = failed.isEmpty() ? CompletableFuture.completedFuture(null)
        : returnToSender(m, failed, a.message(), now);
    return bounce
        .handle((v, failure) -> {
          if (failure == null) {
            return List.copyOf(failed.keySet());
          }
          // The bounce could not be stored: keep the failed recipients queued, so the report is made again later.
          LOG.warn("bounce_failed queue_id={} to=\"{}\" reason=\"{}\"", m.entryId(), LogText.clean(m.sender()),
              failure.toString());
          deferred.addAll(failed.keySet());
          return List.<String>of();
        })
        .thenCompose(bounced -> queue.record(partition, m.entryId(), delivered, bounced, deferred, next, reply))
        .thenApply(recorded -> null);
  }

  /** The non-delivery report to the envelope sender: into its INBOX when it is ours, else through the queue. */
  private CompletionStage<Void> returnToSender(QueuedMessage m, Map<String, RecipientResult> failed,
                                               ByteString original, long now) {
    if (m.sender().isEmpty()) {
      // RFC 5321 §4.5.5: a message with the null sender (a bounce itself) is never bounced.
      LOG.info("bounce_dropped queue_id={} reason=null_sender", m.entryId());
      return CompletableFuture.completedFuture(null);
    }
    ByteString report = Bounce.compose(hostname, m.sender(), m.entryId(), m.queuedAt(), failed, original, now);
    if (!directory.isLocalDomain(m.sender())) {
      return queue.enqueue(report, "", List.of(m.sender()), now).thenApply(id -> null);
    }
    DirectorySnapshot.Resolution owner = directory.resolve(m.sender());
    if (owner.outcome() != DirectorySnapshot.Outcome.DELIVER) {
      LOG.info("bounce_dropped queue_id={} to=\"{}\" reason=unknown_sender", m.entryId(), LogText.clean(m.sender()));
      return CompletableFuture.completedFuture(null);
    }
    if (owner.users().isEmpty()) {
      // The sender is our alias for an address elsewhere: the report goes where the alias points.
      return queue.enqueue(report, "", owner.remote(), now).thenApply(id -> null);
    }
    // We are the final delivery of the report (RFC 5321 §4.4): Return-Path is the null sender.
    ByteString local = ByteString.fromString("Return-Path: <>\r\n", StandardCharsets.US_ASCII).concat(report);
    List<MailboxAddress> inboxes = owner.users().stream().map(u -> new MailboxAddress(u, "INBOX")).toList();
    return CompletableFuture.supplyAsync(() -> MessageSummary.of(local.toArrayUnsafe()), delivery.io())
        .thenCompose(s -> delivery.append(local,
            new Delivery.Metadata(List.of(), now, s.envelope(), s.bodyStructure(), s.body()), inboxes))
        .thenAccept(replies -> {
          if (!replies.stream().allMatch(r -> r instanceof MailboxProtocol.Appended)) {
            LOG.info("bounce_dropped queue_id={} to=\"{}\" reason=\"{}\"", m.entryId(), LogText.clean(m.sender()),
                replies);
          }
        });
  }
}
