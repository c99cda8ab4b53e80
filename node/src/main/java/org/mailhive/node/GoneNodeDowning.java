package org.mailhive.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downs a member at once when its process is gone, instead of after the failure detector (about 2 s), the Split
 * Brain Resolver's {@code stable-after} and its next once-a-second look (together about 3 s of every failover).
 *
 * <p>Every {@code probe-interval} it opens (and at once closes) a TCP connection to each other member's cluster
 * port. A refused connect means nothing listens there, so that node's process is not running: a paused, busy or
 * cut-off process still has its listening socket, and its connect succeeds or times out (those are left to the
 * failure detector and the SBR). A member counts as gone after two refusals in a row, or one if it is also
 * unreachable. Because a firewall rule that rejects connections looks the same, this side downs anyone only where
 * keep-majority would decide the same way: every unreachable member is gone, and the reachable members that are
 * not gone are a majority of the Up and Leaving ones (or exactly half including the lowest address, keep-majority's
 * tie-break). A minority side never downs anybody here. A whole host that is down (connects time out) is left to
 * the SBR too. Logged as {@code cluster_member_gone node=host:port}.
 */
final class GoneNodeDowning {
  private static final Logger LOG = LoggerFactory.getLogger(GoneNodeDowning.class);

  /** What a connect to a member's cluster port said. */
  enum Probe { REFUSED, ANSWERED, NO_ANSWER }

  interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Probed(List<Member> members, List<Probe> results) implements Command {}

  private GoneNodeDowning() {}

  static Behavior<Command> create(Config config, Executor blocking) {
    Duration interval = config.getDuration("probe-interval");
    Duration connectTimeout = config.getDuration("connect-timeout");
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      Map<Address, Integer> refusals = new HashMap<>();
      boolean[] probing = {false};
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, t -> {
            List<Member> others = otherMembers(ctx);
            refusals.keySet().retainAll(others.stream().map(Member::address).toList());
            if (!probing[0] && !others.isEmpty()) {
              probing[0] = true;
              probeAll(others, connectTimeout, blocking).whenComplete((results, e) ->
                  ctx.getSelf().tell(new Probed(others, results == null ? List.of() : results)));
            }
            return Behaviors.same();
          })
          .onMessage(Probed.class, p -> {
            probing[0] = false;
            for (int i = 0; i < p.results().size(); i++) {
              Address a = p.members().get(i).address();
              if (p.results().get(i) == Probe.REFUSED) {
                refusals.merge(a, 1, Integer::sum);
              } else {
                refusals.remove(a);
              }
            }
            downTheGone(ctx, refusals);
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static void downTheGone(ActorContext<Command> ctx, Map<Address, Integer> refusals) {
    Set<Address> unreachable = new HashSet<>();
    Cluster.get(ctx.getSystem()).state().getUnreachable().forEach(m -> unreachable.add(m.address()));
    Set<Address> gone = new HashSet<>();
    refusals.forEach((a, n) -> {
      if (n >= 2 || (n >= 1 && unreachable.contains(a))) {
        gone.add(a);
      }
    });
    if (gone.isEmpty()) {
      return;
    }
    List<Address> all = countedMembers(ctx).stream().map(Member::address).toList();
    Set<Address> suspects = new HashSet<>(gone);
    all.stream().filter(unreachable::contains).forEach(suspects::add);
    if (!gone.containsAll(suspects) || !keepsMajority(all, suspects)) {
      return;
    }
    for (Address a : gone) {
      LOG.info("cluster_member_gone node={}:{} reason=cluster_port_refused unreachable={}", host(a),
          a.getPort().orElse(0), unreachable.contains(a));
      Cluster.get(ctx.getSystem()).manager().tell(new Down(a));
    }
  }

  private static List<Member> countedMembers(ActorContext<Command> ctx) {
    List<Member> all = new ArrayList<>();
    StreamSupport.stream(Cluster.get(ctx.getSystem()).state().getMembers().spliterator(), false)
        .filter(GoneNodeDowning::counted).forEach(all::add);
    return all;
  }

  /** The Up and Leaving members but this node. */
  private static List<Member> otherMembers(ActorContext<Command> ctx) {
    Address self = Cluster.get(ctx.getSystem()).selfMember().address();
    return countedMembers(ctx).stream().filter(m -> !m.address().equals(self)).toList();
  }

  /** Keep-majority's decision for the side that is {@code all} minus {@code unreachable}. */
  static boolean keepsMajority(List<Address> all, Set<Address> unreachable) {
    long reachable = all.stream().filter(a -> !unreachable.contains(a)).count();
    if (reachable == 0 || unreachable.isEmpty()) {
      return false;
    }
    if (reachable * 2 != all.size()) {
      return reachable * 2 > all.size();
    }
    Address lowest = all.stream().min(Comparator.comparing(GoneNodeDowning::host)
        .thenComparingInt(a -> a.getPort().orElse(0))).orElseThrow();
    return !unreachable.contains(lowest);
  }

  private static boolean counted(Member m) {
    return m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving();
  }

  private static CompletableFuture<List<Probe>> probeAll(List<Member> members, Duration timeout, Executor blocking) {
    List<CompletableFuture<Probe>> probes = members.stream()
        .map(m -> CompletableFuture.supplyAsync(() -> probe(m.address(), timeout), blocking)).toList();
    return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new))
        .thenApply(v -> probes.stream().map(CompletableFuture::join).toList());
  }

  /** One TCP connect to the member's cluster port, closed again at once. */
  static Probe probe(Address address, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host(address), address.getPort().orElse(0)), (int) timeout.toMillis());
      return Probe.ANSWERED;
    } catch (ConnectException e) {
      return e.getMessage() != null && e.getMessage().contains("refused") ? Probe.REFUSED : Probe.NO_ANSWER;
    } catch (IOException | IllegalArgumentException e) {
      return Probe.NO_ANSWER;
    }
  }

  private static String host(Address a) {
    return a.getHost().orElse("");
  }
}
