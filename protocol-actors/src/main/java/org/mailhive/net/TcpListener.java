package org.mailhive.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * Binds one port with Pekko Streams {@code Tcp} and, for every accepted connection, spawns a
 * {@link ConnectionActor} as its child and wires the socket's input and output to it.
 */
public final class TcpListener {
  private TcpListener() {}

  public sealed interface Command permits Accepted, BindFailed, Bound, ConnectionEnded, Unbind {}

  /**
   * Stop accepting connections (the node is draining). The connections already open are children of this actor
   * and stay; {@code done} completes once the port is closed.
   */
  public record Unbind(java.util.concurrent.CompletableFuture<Void> done) implements Command {}

  record ConnectionEnded(InetAddress client) implements Command {}

  record Accepted(Tcp.IncomingConnection connection) implements Command {}

  record Bound(Tcp.ServerBinding binding) implements Command {}

  record BindFailed(Throwable cause) implements Command {}

  private static final AtomicLong SIDS = new AtomicLong(System.nanoTime() & 0xffffff);

  /**
   * A listener actor for one port. {@code onBound} completes once the port is open (or failed to open), so
   * the node can log its ports and tests can wait for them.
   */
  public static Behavior<Command> create(ListenerSpec spec, java.util.concurrent.CompletableFuture<InetSocketAddress> onBound) {
    return Behaviors.setup(ctx -> {
      Materializer mat = Materializer.createMaterializer(ctx);
      ActorRef<Command> self = ctx.getSelf();
      CompletionStage<Tcp.ServerBinding> binding = Tcp.get(ctx.getSystem())
          .bind(spec.host(), spec.port())
          .to(Sink.foreach(c -> self.tell(new Accepted(c))))
          .run(mat);
      ctx.pipeToSelf(binding, (b, ex) -> ex == null ? new Bound(b) : new BindFailed(ex));
      Map<InetAddress, Integer> perClient = new HashMap<>();
      Tcp.ServerBinding[] bound = {null};
      return Behaviors.receive(Command.class)
          .onMessage(Bound.class, m -> {
            ctx.getLog().info("listening proto={} addr={}:{} tls={}", spec.protocol(), spec.host(),
                m.binding().localAddress().getPort(), spec.implicitTls() ? "implicit" : "starttls");
            onBound.complete(m.binding().localAddress());
            bound[0] = m.binding();
            return Behaviors.same();
          })
          .onMessage(BindFailed.class, m -> {
            ctx.getLog().error("bind_failed proto={} addr={}:{} reason=\"{}\"", spec.protocol(), spec.host(),
                spec.port(), LogText.clean(String.valueOf(m.cause().getMessage())));
            onBound.completeExceptionally(m.cause());
            return Behaviors.stopped();
          })
          .onMessage(Unbind.class, m -> {
            if (bound[0] == null) {
              m.done().complete(null);
            } else {
              bound[0].unbind().whenComplete((d, ex) -> m.done().complete(null));
              ctx.getLog().info("unbound proto={} addr={}:{}", spec.protocol(), spec.host(),
                  bound[0].localAddress().getPort());
            }
            return Behaviors.same();
          })
          .onMessage(Accepted.class, m -> accept(ctx, mat, spec, m.connection(), perClient))
          .onMessage(ConnectionEnded.class, m -> {
            perClient.computeIfPresent(m.client(), (k, n) -> n <= 1 ? null : n - 1);
            return Behaviors.same();
          })
          .build();
    });
  }

  private static Behavior<Command> accept(ActorContext<Command> ctx, Materializer mat, ListenerSpec spec,
                                          Tcp.IncomingConnection connection, Map<InetAddress, Integer> perClient) {
    String sid = Long.toHexString(SIDS.incrementAndGet() & 0xffffffL);
    InetAddress client = connection.remoteAddress().getAddress();
    ListenerSpec connSpec = spec;
    int open = perClient.getOrDefault(client, 0);
    boolean refused = spec.maxConnectionsPerIp() > 0 && open >= spec.maxConnectionsPerIp();
    if (refused) {
      // Still a connection actor, so a plaintext client reads a protocol reply and a clean close rather than a
      // reset. With implicit TLS the reply would need a handshake first; the client sees the connection closed
      // during it. A refused connection does not count towards the limit.
      ctx.getLog().info("limit_hit limit={}.max-connections-per-ip rip={} open={} sid={}", spec.protocol(),
          client.getHostAddress(), open, sid);
      connSpec = new ListenerSpec(spec.protocol(), spec.host(), spec.port(), spec.implicitTls(), spec.tls(),
          spec.idleTimeout(), conn -> new RefusingSession(conn, spec.refusal()), 0, spec.refusal());
    }
    ActorRef<ConnectionActor.Command> actor = ctx.spawn(
        ConnectionActor.create(connSpec, connection.remoteAddress(), connection.localAddress(), sid), "conn-" + sid);
    if (!refused) {
      perClient.put(client, open + 1);
      ctx.watchWith(actor, new ConnectionEnded(client));
    }
    Sink<ByteString, org.apache.pekko.NotUsed> in = ActorSink.actorRefWithBackpressure(actor,
        ConnectionActor.Received::new, ConnectionActor.StreamInit::new, ConnectionActor.Ack.INSTANCE,
        ConnectionActor.StreamCompleted.INSTANCE, ConnectionActor.StreamFailed::new);
    Source<ConnectionActor.Outgoing, ActorRef<ConnectionActor.Outgoing>> outSource =
        ActorSource.<ConnectionActor.Outgoing, ConnectionActor.Command>actorRefWithBackpressure(
            actor, ConnectionActor.OutputAck.INSTANCE,
            o -> o instanceof ConnectionActor.Complete
                ? Optional.of(CompletionStrategy.draining()) : Optional.empty(),
            o -> Optional.empty());
    Source<ByteString, ActorRef<ConnectionActor.Outgoing>> out =
        outSource.map(o -> ((ConnectionActor.Bytes) o).bytes());
    Flow<ByteString, ByteString, ActorRef<ConnectionActor.Outgoing>> handler =
        Flow.fromSinkAndSourceCoupledMat(in, out, Keep.right());
    ActorRef<ConnectionActor.Outgoing> outRef = connection.handleWith(handler, mat);
    actor.tell(new ConnectionActor.OutputReady(outRef));
    return Behaviors.same();
  }
}
