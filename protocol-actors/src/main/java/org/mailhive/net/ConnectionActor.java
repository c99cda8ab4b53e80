package org.mailhive.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.zip.DataFormatException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * One actor per TCP connection. It owns the socket's two stream ends (an {@code ActorSink} for bytes in and an
 * {@code ActorSource} for bytes out, both with backpressure), the optional TLS engine, the idle timer, and the
 * {@link ProtocolSession} that speaks the protocol.
 *
 * <p>Input is acknowledged to the stream only when the session wants more, so a slow command or a client that
 * does not read its responses stops the server from reading, instead of filling memory. Output is coalesced
 * into chunks of at most {@link #MAX_WRITE} bytes and sent one chunk per acknowledgement from the stream.
 *
 * <p>Layers, from the socket inwards: TLS ({@link TlsEngine}, from the start or after STARTTLS), then compression
 * ({@link DeflateLayer}, after IMAP COMPRESS), then the session. Compressed input is inflated step by step while the
 * session wants input, so it is backpressured like network reads; compressed output is flushed once per batch of
 * replies (each message this actor handles), before it is encrypted.
 */
public final class ConnectionActor extends AbstractBehavior<ConnectionActor.Command> {

  /** Messages this actor accepts. Open: each protocol adds its own (entity replies, finished futures). */
  public interface Command {}

  /** The stream asks for an acknowledgement before it sends the next chunk of input. */
  public enum Ack { INSTANCE }

  public sealed interface Outgoing permits Bytes, Complete {}

  public record Bytes(ByteString bytes) implements Outgoing {}

  public enum Complete implements Outgoing { INSTANCE }

  record StreamInit(ActorRef<Ack> ackTo) implements Command {}

  record Received(ActorRef<Ack> ackTo, ByteString bytes) implements Command {}

  enum StreamCompleted implements Command { INSTANCE }

  record StreamFailed(Throwable cause) implements Command {}

  record OutputReady(ActorRef<Outgoing> out) implements Command {}

  enum OutputAck implements Command { INSTANCE }

  /**
   * The server ends this session ({@link SessionEnd}): the goodbye goes out as soon as the session is between
   * commands, so a command in flight gets its answer first, and at the latest after {@code timeout}.
   */
  public record End(SessionEnd why, Duration timeout) implements Command {}

  private enum EndDeadline implements Command { INSTANCE }

  private enum IdleTimeout implements Command { INSTANCE }

  private enum CloseTimeout implements Command { INSTANCE }

  private static final int MAX_WRITE = 64 * 1024;
  /** Output waiting beyond this stops reading input until the client catches up. */
  private static final int OUTPUT_HIGH_WATER = 1024 * 1024;
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

  private final TimerScheduler<Command> timers;
  private final ListenerSpec spec;
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private final String sid;
  private final long openedAt = System.nanoTime();
  private final Handle handle = new Handle();
  private final ProtocolSession session;
  private final ArrayDeque<ByteString> outbox = new ArrayDeque<>();
  private int outboxBytes;
  private ActorRef<Outgoing> out;
  private boolean outputInFlight;
  private ActorRef<Ack> pendingInputAck;
  private TlsEngine tls;
  private DeflateLayer deflate;
  private boolean closing;
  private SessionEnd ending;
  private boolean completeSent;
  private String closeReason = "client";
  private long bytesIn;
  private long bytesOut;

  private ConnectionActor(ActorContext<Command> context, TimerScheduler<Command> timers, ListenerSpec spec,
                          InetSocketAddress remote, InetSocketAddress local, String sid) {
    super(context);
    this.timers = timers;
    this.spec = spec;
    this.remote = remote;
    this.local = local;
    this.sid = sid;
    this.session = spec.sessions().create(handle);
    context.getLog().info("conn_open proto={} rip={} lport={} tls={} sid={}", spec.protocol(),
        remote.getAddress().getHostAddress(), local.getPort(), spec.implicitTls() ? "implicit" : "none", sid);
    if (spec.implicitTls()) {
      tls = TlsEngine.server(spec.tls());
    }
    armIdleTimer();
    LiveConnections.of(context.getSystem()).opened(context.getSelf());
    session.onStart();
  }

  public static Behavior<Command> create(ListenerSpec spec, InetSocketAddress remote, InetSocketAddress local, String sid) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ConnectionActor(ctx, timers, spec, remote, local, sid)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StreamInit.class, m -> { pendingInputAck = m.ackTo(); maybeAckInput(); return this; })
        .onMessage(Received.class, this::onReceived)
        .onMessage(OutputReady.class, m -> { out = m.out(); flush(); return this; })
        .onMessage(OutputAck.class, m -> { outputInFlight = false; flush(); return this; })
        .onMessage(StreamCompleted.class, m -> stop("client"))
        .onMessage(StreamFailed.class, m -> stop("io_error"))
        .onMessage(IdleTimeout.class, m -> { session.onIdleTimeout(); return afterSession(); })
        .onMessage(CloseTimeout.class, m -> stop(closeReason))
        .onMessage(End.class, this::onEnd)
        .onMessage(EndDeadline.class, m -> { endSession(); return afterSession(); })
        .onMessage(Command.class, m -> { session.onMessage(m); return afterSession(); })
        .onSignal(PostStop.class, s -> {
          LiveConnections.of(getContext().getSystem()).closed(getContext().getSelf());
          session.onClosed();
          if (deflate != null) {
            deflate.end();
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> onReceived(Received m) {
    pendingInputAck = m.ackTo();
    bytesIn += m.bytes().size();
    armIdleTimer();
    if (closing) {
      // Input after we decided to close is dropped. Acked only once our side is complete: the input stream's
      // end reaches us only after its last element is acked, and waiting for it otherwise took CLOSE_GRACE.
      if (completeSent) {
        ackPendingInput();
      }
      return this;
    }
    if (tls == null) {
      deliver(m.bytes());
    } else {
      try {
        TlsEngine.Result r = tls.unwrap(m.bytes());
        writeRaw(r.toNetwork());
        if (!r.application().isEmpty()) {
          deliver(r.application());
        }
        if (r.closed()) {
          handle.close("tls_closed");
        }
      } catch (SSLException e) {
        getContext().getLog().info("tls_failed proto={} rip={} reason=\"{}\" sid={}", spec.protocol(),
            remote.getAddress().getHostAddress(), LogText.clean(e.getMessage()), sid);
        return stop("tls_error");
      }
    }
    return afterSession();
  }

  /** Plaintext (TLS already removed) for the session, through the inflater when compression is on. */
  private void deliver(ByteString bytes) {
    if (deflate == null) {
      session.onInput(bytes);
    } else {
      deflate.received(bytes);
    }
  }

  /** Feeds the session inflated input while it wants more; false if the client's stream is not valid DEFLATE. */
  private boolean pumpInflater() {
    try {
      while (deflate != null && !closing && deflate.hasPendingInput() && session.wantsInput()) {
        ByteString plain = deflate.inflate();
        if (plain.isEmpty()) {
          break;
        }
        session.onInput(plain);
      }
      return true;
    } catch (DataFormatException e) {
      getContext().getLog().info("deflate_failed proto={} rip={} reason=\"{}\" sid={}", spec.protocol(),
          remote.getAddress().getHostAddress(), LogText.clean(String.valueOf(e.getMessage())), sid);
      return false;
    }
  }

  private Behavior<Command> onEnd(End m) {
    if (!closing && ending == null) {
      ending = m.why();
      timers.startSingleTimer(EndDeadline.INSTANCE, m.timeout());
    }
    return afterSession();
  }

  private void endSession() {
    if (ending != null && !closing) {
      session.onServerEnd(ending);
    }
  }

  private Behavior<Command> afterSession() {
    if (!pumpInflater()) {
      return stop("deflate_error");
    }
    if (ending != null && !closing && session.betweenCommands()) {
      endSession();
    }
    flush();
    maybeAckInput();
    return this;
  }

  private void maybeAckInput() {
    if (pendingInputAck != null && !closing && session.wantsInput() && outboxBytes < OUTPUT_HIGH_WATER
        && (deflate == null || !deflate.hasPendingInput())) {
      ackPendingInput();
    }
  }

  /** Lets the next input in; while closing, drops what the session will never read so its end can follow. */
  private void ackPendingInput() {
    if (pendingInputAck != null) {
      ActorRef<Ack> ack = pendingInputAck;
      pendingInputAck = null;
      ack.tell(Ack.INSTANCE);
    }
  }

  private void writeRaw(ByteString bytes) {
    if (!bytes.isEmpty()) {
      outbox.add(bytes);
      outboxBytes += bytes.size();
    }
  }

  /** Encrypts if TLS is on and queues for the socket. */
  private void sendPlain(ByteString bytes) {
    if (tls == null) {
      writeRaw(bytes);
    } else {
      try {
        writeRaw(tls.wrap(bytes));
      } catch (SSLException e) {
        handle.close("tls_error");
      }
    }
  }

  // RFC 4978 §4: a sync flush ends each batch of replies, so the client can inflate all it waits for.
  private void flushCompressed() {
    if (deflate != null && deflate.hasUnflushed()) {
      sendPlain(deflate.flush());
    }
  }

  private void flush() {
    flushCompressed();
    if (out != null && !outputInFlight && !outbox.isEmpty()) {
      ByteStringBuilder chunk = new ByteStringBuilder();
      while (!outbox.isEmpty() && (chunk.length() == 0 || chunk.length() + outbox.peek().size() <= MAX_WRITE)) {
        ByteString b = outbox.poll();
        outboxBytes -= b.size();
        chunk.append(b);
      }
      ByteString bytes = chunk.result();
      bytesOut += bytes.size();
      outputInFlight = true;
      out.tell(new Bytes(bytes));
    }
    if (out != null && !outputInFlight && outbox.isEmpty()) {
      if (closing && !completeSent) {
        completeSent = true;
        out.tell(Complete.INSTANCE);
        timers.startSingleTimer(CloseTimeout.INSTANCE, CLOSE_GRACE);
        ackPendingInput();
      } else if (!closing) {
        maybeAckInput();
      }
    }
  }

  /** Ends the actor. The first reason recorded wins: a close the session asked for stays "quit", not "client". */
  private Behavior<Command> stop(String reason) {
    if (!closing) {
      closeReason = reason;
    }
    getContext().getLog().info("conn_close proto={} rip={} reason={} in={} out={} duration_ms={} sid={}",
        spec.protocol(), remote.getAddress().getHostAddress(), closeReason, bytesIn, bytesOut,
        (System.nanoTime() - openedAt) / 1_000_000, sid);
    return Behaviors.stopped();
  }

  private void armIdleTimer() {
    timers.startSingleTimer(IdleTimeout.INSTANCE, spec.idleTimeout());
  }

  /** The session's view of this connection. */
  private final class Handle implements Connection {
    @Override
    public void send(ByteString bytes) {
      if (deflate == null) {
        sendPlain(bytes);
      } else {
        deflate.write(bytes);
      }
    }

    @Override
    public void startTls() {
      SSLContext ctx = spec.tls();
      tls = TlsEngine.server(ctx);
    }

    @Override
    public boolean tlsActive() {
      return tls != null;
    }

    @Override
    public void startCompression() {
      deflate = new DeflateLayer();
    }

    @Override
    public boolean compressionActive() {
      return deflate != null;
    }

    @Override
    public void close(String reason) {
      if (!closing) {
        flushCompressed();
        closeReason = reason;
        closing = true;
        if (tls != null) {
          try {
            writeRaw(tls.closeOutbound());
          } catch (SSLException e) {
            // the peer will see the TCP close instead of close_notify; nothing else to do
          }
        }
      }
    }

    @Override
    public ActorContext<Command> context() {
      return getContext();
    }

    @Override
    public InetSocketAddress remote() {
      return remote;
    }

    @Override
    public InetSocketAddress local() {
      return local;
    }

    @Override
    public String sid() {
      return sid;
    }

    @Override
    public void loggedIn(String user) {
      LiveConnections.of(getContext().getSystem()).loggedIn(getContext().getSelf(), user);
    }
  }
}
