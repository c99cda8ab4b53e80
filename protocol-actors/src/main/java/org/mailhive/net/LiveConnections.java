package org.mailhive.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Every open client connection of this node (all protocols), with the user each has logged in as. The node's
 * shutdown drains them all; {@code kick USER} ends one user's. One instance per actor system (a Pekko extension),
 * so connection actors register themselves without being wired through the listeners.
 */
public final class LiveConnections implements Extension {
  private static final String NOBODY = "";

  private final Map<ActorRef<ConnectionActor.Command>, String> users = new ConcurrentHashMap<>();
  private final List<CompletableFuture<Void>> emptyWaiters = new ArrayList<>();

  public static LiveConnections of(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  void opened(ActorRef<ConnectionActor.Command> connection) {
    users.put(connection, NOBODY);
  }

  void loggedIn(ActorRef<ConnectionActor.Command> connection, String user) {
    users.replace(connection, user);
  }

  void closed(ActorRef<ConnectionActor.Command> connection) {
    users.remove(connection);
    if (users.isEmpty()) {
      List<CompletableFuture<Void>> done;
      synchronized (emptyWaiters) {
        done = new ArrayList<>(emptyWaiters);
        emptyWaiters.clear();
      }
      done.forEach(f -> f.complete(null));
    }
  }

  public int count() {
    return users.size();
  }

  /**
   * Asks every connection to end after its command in flight, within {@code timeout}; returns how many were asked.
   */
  public int endAll(SessionEnd why, Duration timeout) {
    int n = 0;
    for (ActorRef<ConnectionActor.Command> c : users.keySet()) {
      c.tell(new ConnectionActor.End(why, timeout));
      n++;
    }
    return n;
  }

  /** As {@link #endAll} for the connections logged in as {@code user} (compared ignoring case). */
  public int endSessionsOf(String user, SessionEnd why, Duration timeout) {
    int n = 0;
    for (Map.Entry<ActorRef<ConnectionActor.Command>, String> e : users.entrySet()) {
      if (e.getValue().equalsIgnoreCase(user)) {
        e.getKey().tell(new ConnectionActor.End(why, timeout));
        n++;
      }
    }
    return n;
  }

  /** Completes once no connection is open (at once if none is). */
  public CompletionStage<Void> whenAllClosed() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (emptyWaiters) {
      emptyWaiters.add(f);
    }
    if (users.isEmpty()) {
      f.complete(null);
    }
    return f;
  }

  static final class Id extends ExtensionId<LiveConnections> {
    static final Id INSTANCE = new Id();

    @Override
    public LiveConnections createExtension(ActorSystem<?> system) {
      return new LiveConnections();
    }
  }
}
