package org.mailhive.shard;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request to a sharded entity once more after the cluster removes a node, so that the request reaches the
 * shard's new home instead of being lost with the old one.
 *
 * <p>Between a store node's crash and its removal from the cluster (about 3 s with our failure detector), the shard
 * regions on the other nodes still route that node's shards to it, and whatever they send is dropped when the node
 * is removed. Once it is removed, each region forgets the dead region, asks the coordinator for the shard's new home
 * and buffers until it has it (the replica node, which already has the journal). So a moment after a node is
 * removed, every ask still waiting is told again with the same reply-to: its reply then comes from the new home and
 * completes the original ask, and the client sees a slower answer instead of an error.
 *
 * <p>A request may therefore reach an entity twice: when the dead node did process it and its events were already
 * on the replica. Writes carry a {@link org.mailhive.mailbox.RequestId} for that (an append is stored once and the
 * second answer names the same UID; a folder CREATE, DELETE or RENAME is answered with the folders and not applied
 * again), flag changes and expunges by UID give the same state twice, and reads are harmless.
 *
 * <p>At the same moment it starts, for each user with such a waiting request, the entities the user's next
 * requests will need (registered with {@link #startOnHandOff}: the INBOX, the body store, the account), so that
 * their shards are allocated and their journals replayed on the new home side by side rather than one after the
 * other as a client's SELECT, then FETCH, reaches them.
 */
public final class HandOffRetry implements Extension {
  private static final Logger LOG = LoggerFactory.getLogger(HandOffRetry.class);
  /**
   * From the removal event to the resend: enough for the shard regions, which learn of the same removal at the
   * same moment (the dead region's Terminated), to drop the dead node's region first; otherwise the resend would
   * follow the request to the dead node. Every millisecond here adds to each failover.
   */
  static final Duration RESEND_AFTER = Duration.ofMillis(100);

  private static final ExtensionId<HandOffRetry> ID = new ExtensionId<>() {
    @Override
    public HandOffRetry createExtension(ActorSystem<?> system) {
      HandOffRetry retry = new HandOffRetry();
      system.systemActorOf(retry.watcher(), "handoff-retry", Props.empty());
      return retry;
    }
  };

  /** An ask still waiting for its reply: where it went, what it said, and when it was sent. */
  private record Waiting(EntityRef<Object> target, Object message, long sentNanos) {}

  /** What to start for a user whose request to one of {@code types} was waiting at a hand-off. */
  private record UserEntities(Set<String> types, Consumer<String> start) {}

  private final ConcurrentHashMap<Long, Waiting> waiting = new ConcurrentHashMap<>();
  private final List<UserEntities> userEntities = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();

  private HandOffRetry() {
  }

  public static HandOffRetry get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /**
   * As {@code target.ask(message, timeout)}, and told again if a node leaves the cluster before the reply comes. The
   * timeout still bounds the whole wait.
   */
  @SuppressWarnings("unchecked")
  public <M, R> CompletionStage<R> ask(EntityRef<M> target, Function<ActorRef<R>, M> message, Duration timeout) {
    long id = ids.incrementAndGet();
    CompletionStage<R> reply = target.ask(replyTo -> {
      M m = message.apply(replyTo);
      waiting.put(id, new Waiting((EntityRef<Object>) (EntityRef<?>) target, m, System.nanoTime()));
      return m;
    }, timeout);
    return reply.whenComplete((r, failure) -> waiting.remove(id));
  }

  /**
   * After each hand-off, {@code start} is called once with every user who had a request waiting for an entity of
   * one of {@code userKeyedTypes} (types whose entity ids are {@code user} or {@code user:…}).
   */
  public void startOnHandOff(Set<EntityTypeKey<?>> userKeyedTypes, Consumer<String> start) {
    Set<String> names = new HashSet<>();
    userKeyedTypes.forEach(k -> names.add(k.name()));
    userEntities.add(new UserEntities(Set.copyOf(names), start));
  }

  /** Asks not yet answered (for tests). */
  public int waiting() {
    return waiting.size();
  }

  /** Tells every ask sent before {@code nanos} again, and starts its user's entities; returns how many. */
  int resendSentBefore(long nanos) {
    List<Waiting> due = waiting.values().stream().filter(w -> w.sentNanos() - nanos < 0).toList();
    Set<String> allTypes = new HashSet<>();
    userEntities.forEach(u -> allTypes.addAll(u.types()));
    Set<String> users = new LinkedHashSet<>();
    for (Waiting w : due) {
      if (allTypes.contains(w.target().getTypeKey().name())) {
        String id = w.target().getEntityId();
        int colon = id.indexOf(MailboxAddress.SEPARATOR);
        users.add(colon < 0 ? id : id.substring(0, colon));
      }
    }
    for (String user : users) {
      userEntities.forEach(u -> u.start().accept(user));
    }
    for (Waiting w : due) {
      w.target().tell(w.message());
    }
    return due.size();
  }

  private record Resend(String node) {}

  private org.apache.pekko.actor.typed.Behavior<Object> watcher() {
    return Behaviors.setup(ctx -> {
      Cluster.get(ctx.getSystem()).subscriptions()
          .tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberRemoved.class));
      return Behaviors.withTimers(timers -> Behaviors.receive(Object.class)
          .onMessage(ClusterEvent.MemberRemoved.class, removed -> {
            String node = RendezvousAllocationStrategy.nodeKey(removed.member().address());
            Resend resend = new Resend(node);
            timers.startSingleTimer(resend, resend, RESEND_AFTER);
            return Behaviors.same();
          })
          .onMessage(Resend.class, resend -> {
            // Also the asks sent since the removal event: a region may still have routed one of them to the dead
            // node before it learnt of the removal itself (FailoverIT once lost one sent 14 ms after the event).
            int n = resendSentBefore(System.nanoTime());
            if (n > 0) {
              LOG.info("handoff_resend node={} requests={}", resend.node(), n);
            }
            return Behaviors.same();
          })
          .build());
    });
  }
}
