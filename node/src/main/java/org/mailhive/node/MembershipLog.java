package org.mailhive.node;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per membership change (Pekko's own cluster log is at WARN), so that an admin, the launcher and
 * the tests can see when a node has joined, left or been downed: {@code cluster_member_up node=127.0.0.2:25520
 * roles=edge,store,weight-100 members=3}.
 */
final class MembershipLog {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipLog.class);

  private MembershipLog() {}

  static Behavior<ClusterEvent.ClusterDomainEvent> create() {
    return Behaviors.setup(ctx -> {
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberEvent.class));
      // Reachability too: the steps of a failover (unreachable, downed, removed) can then be timed from the log.
      Cluster.get(ctx.getSystem()).subscriptions()
          .tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
      // Counted from the events themselves, so "members=N" on the N-th MemberUp is exact.
      Set<Address> up = new HashSet<>();
      return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
          .onMessage(ClusterEvent.MemberUp.class, e -> log("cluster_member_up", e.member(), add(up, e.member())))
          .onMessage(ClusterEvent.MemberDowned.class, e -> log("cluster_member_downed", e.member(), up))
          .onMessage(ClusterEvent.MemberExited.class, e -> log("cluster_member_exited", e.member(), remove(up, e.member())))
          .onMessage(ClusterEvent.MemberRemoved.class, e -> log("cluster_member_removed", e.member(), remove(up, e.member())))
          .onMessage(ClusterEvent.UnreachableMember.class, e -> log("cluster_member_unreachable", e.member(), up))
          .onMessage(ClusterEvent.ReachableMember.class, e -> log("cluster_member_reachable", e.member(), up))
          .onMessage(ClusterEvent.ClusterDomainEvent.class, e -> Behaviors.same())
          .build();
    });
  }

  private static Set<Address> add(Set<Address> up, Member m) {
    up.add(m.address());
    return up;
  }

  private static Set<Address> remove(Set<Address> up, Member m) {
    up.remove(m.address());
    return up;
  }

  private static Behavior<ClusterEvent.ClusterDomainEvent> log(String event, Member m, Set<Address> up) {
    LOG.info("{} node={}:{} roles={} members={}", event, m.address().getHost().orElse(""),
        m.address().getPort().orElse(0), String.join(",", new TreeSet<>(m.getRoles())), up.size());
    return Behaviors.same();
  }
}
