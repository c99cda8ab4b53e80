package org.mailhive.net;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * TLS for one connection actor: an {@link SSLEngine} driven by whole calls instead of a stream, so that the actor
 * keeps owning its socket and can switch from plaintext to TLS at any byte (STARTTLS, RFC 3207 §4, RFC 2595 §3.1,
 * RFC 8314 §3.3 for implicit TLS).
 *
 * <p>The actor passes every chunk it reads to {@link #unwrap} and writes out {@link Result#toNetwork()}; it passes
 * every reply to {@link #wrap} and writes out what that returns. Handshake, TLS 1.3 post-handshake messages
 * (NewSessionTicket, KeyUpdate, RFC 8446 §4.6) and TLS 1.2 close replies all travel through those two results, so
 * the actor never needs to know where the handshake stands.
 *
 * <p>Invariants: {@code netIn} holds at most one incomplete record between calls, in write mode; plaintext given to
 * {@code wrap} before the handshake completes waits in {@code pending} and leaves, in order, in the {@code toNetwork}
 * of the call that completes the handshake. Not thread-safe: one actor owns it.
 *
 * <p>After an {@link SSLException} the engine is dead. Calling {@link #closeOutbound()} then returns the fatal alert,
 * if the JDK has one to send; the actor writes it and closes the connection.
 */
public final class TlsEngine {
  /**
   * Largest network or application buffer we let the engine ask for. A TLS record is at most 2^14 + 2048 bytes of
   * ciphertext plus a 5-byte header (RFC 5246 §6.2.3; RFC 8446 §5.2 allows only 2^14 + 256), and the JDK doubles
   * that when it accepts oversized fragments from old peers. A request beyond 64 KiB is not TLS.
   */
  public static final int MAX_BUFFER_BYTES = 64 * 1024;

  /** RFC 8996 retired TLS 1.0 and 1.1; offered in preference order. */
  private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  /** What an {@link #unwrap} call produced. */
  public record Result(ByteString application, ByteString toNetwork, boolean closed) {}

  private final SSLEngine engine;
  private ByteBuffer netIn;
  private ByteBuffer appIn;
  private ByteBuffer netOut;
  private ByteString pending = ByteString.emptyByteString();
  private boolean started;
  private boolean handshakeComplete;

  private TlsEngine(SSLEngine engine) {
    this.engine = engine;
    SSLSession session = engine.getSession();
    this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
    this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
    this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
  }

  public static TlsEngine server(SSLContext ctx) {
    SSLEngine engine = ctx.createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(supported(engine));
    engine.setSSLParameters(parameters);
    return new TlsEngine(engine);
  }

  /**
   * A client that checks the server certificate against {@code peerHost} by the RFC 6125 rules (RFC 7817 §3 for
   * mail), which the JDK implements as its "HTTPS" identification; {@code peerHost} also goes out as SNI.
   */
  public static TlsEngine client(SSLContext ctx, String peerHost, int peerPort) {
    SSLEngine engine = ctx.createSSLEngine(peerHost, peerPort);
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setProtocols(supported(engine));
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    return new TlsEngine(engine);
  }

  /** Starts the handshake; for a client this returns the ClientHello. Calling it again returns nothing. */
  public ByteString beginHandshake() throws SSLException {
    ByteStringBuilder toNetwork = ByteString.createBuilder();
    start(toNetwork);
    return toNetwork.result();
  }

  /**
   * Feeds bytes read from the socket, in any split: partial records stay here until the rest arrives. The result's
   * {@code toNetwork} must be written even when {@code application} is empty.
   */
  public Result unwrap(ByteString fromNetwork) throws SSLException {
    started = true;
    ByteStringBuilder application = ByteString.createBuilder();
    ByteStringBuilder toNetwork = ByteString.createBuilder();
    ByteString input = fromNetwork;
    while (!engine.isInboundDone()) {
      int copied = input.copyToBuffer(netIn);
      input = input.drop(copied);
      netIn.flip();
      SSLEngineResult result;
      try {
        result = engine.unwrap(netIn, appIn);
      } finally {
        netIn.compact();
      }
      drainInto(appIn, application);
      boolean needMoreInput = false;
      boolean grew = false;
      switch (result.getStatus()) {
        case BUFFER_UNDERFLOW -> {
          if (input.isEmpty()) {
            needMoreInput = true;
          } else if (!netIn.hasRemaining()) {
            netIn = grown(netIn, engine.getSession().getPacketBufferSize());
            grew = true;
          }
        }
        // appIn was empty before this call, so the record really is larger than the buffer.
        case BUFFER_OVERFLOW -> {
          appIn = grown(appIn, engine.getSession().getApplicationBufferSize());
          grew = true;
        }
        case OK, CLOSED -> { }
      }
      boolean handshook = advanceHandshake(result, toNetwork);
      // The engine may answer OK without touching a byte, e.g. while it wanted to wrap; only give up when neither
      // it nor we did anything, so a misbehaving engine cannot spin the actor.
      boolean idle = copied == 0 && result.bytesConsumed() == 0 && result.bytesProduced() == 0 && !grew && !handshook;
      if (needMoreInput || idle) {
        break;
      }
    }
    flushPending(toNetwork);
    return new Result(application.result(), toNetwork.result(), engine.isInboundDone());
  }

  /**
   * Encrypts {@code plaintext} for the socket. Before the handshake completes the plaintext waits and this returns
   * only handshake bytes (the ClientHello, on a client's first call).
   */
  public ByteString wrap(ByteString plaintext) throws SSLException {
    if (engine.isOutboundDone()) {
      throw new SSLException("TLS outbound side is closed; " + plaintext.size() + " bytes not sent");
    }
    ByteStringBuilder toNetwork = ByteString.createBuilder();
    start(toNetwork);
    pending = pending.concat(plaintext);
    flushPending(toNetwork);
    return toNetwork.result();
  }

  /**
   * Returns our close_notify (RFC 8446 §6.1). Nothing more can be wrapped afterwards, and plaintext still waiting for
   * the handshake is dropped; unwrap keeps working until the peer closes too.
   */
  public ByteString closeOutbound() throws SSLException {
    engine.closeOutbound();
    ByteStringBuilder toNetwork = ByteString.createBuilder();
    while (!engine.isOutboundDone()) {
      SSLEngineResult result = wrapOnce(EMPTY, toNetwork);
      if (result.bytesProduced() == 0 && result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
        break;
      }
    }
    return toNetwork.result();
  }

  public boolean handshakeComplete() {
    return handshakeComplete;
  }

  public SSLSession session() {
    return engine.getSession();
  }

  private void start(ByteStringBuilder toNetwork) throws SSLException {
    if (started) {
      return;
    }
    started = true;
    engine.beginHandshake();
    advanceHandshake(engine.getHandshakeStatus(), toNetwork);
  }

  private boolean advanceHandshake(SSLEngineResult result, ByteStringBuilder toNetwork) throws SSLException {
    if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
      handshakeComplete = true;
    }
    return advanceHandshake(result.getHandshakeStatus(), toNetwork);
  }

  // Runs the engine until it needs bytes from the peer. Delegated tasks run inline, on the actor's thread: they are
  // a few milliseconds of CPU (certificate checks, key agreement), happen once per connection, and this connection's
  // actor could do nothing useful meanwhile. Other connections run on other threads of the dispatcher.
  // Returns whether it ran a task or wrapped.
  private boolean advanceHandshake(HandshakeStatus initial, ByteStringBuilder toNetwork) throws SSLException {
    HandshakeStatus status = initial;
    boolean worked = false;
    while (true) {
      switch (status) {
        case NEED_TASK -> {
          for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
          }
          worked = true;
          status = engine.getHandshakeStatus();
        }
        case NEED_WRAP -> {
          SSLEngineResult result = wrapOnce(EMPTY, toNetwork);
          worked = true;
          if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            handshakeComplete = true;
          }
          if (result.getStatus() == SSLEngineResult.Status.CLOSED && result.bytesProduced() == 0) {
            return worked;
          }
          status = result.getHandshakeStatus();
        }
        case FINISHED -> {
          handshakeComplete = true;
          status = engine.getHandshakeStatus();
        }
        default -> {
          return worked;
        }
      }
    }
  }

  private void flushPending(ByteStringBuilder toNetwork) throws SSLException {
    if (!handshakeComplete || pending.isEmpty() || engine.isOutboundDone()) {
      return;
    }
    ByteBuffer source = pending.asByteBuffer();
    pending = ByteString.emptyByteString();
    while (source.hasRemaining()) {
      SSLEngineResult result = wrapOnce(source, toNetwork);
      if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
        throw new SSLException("TLS outbound side is closed; " + source.remaining() + " bytes not sent");
      }
      advanceHandshake(result, toNetwork);
      if (result.getStatus() == SSLEngineResult.Status.OK && result.bytesConsumed() == 0
          && result.bytesProduced() == 0) {
        // A TLS 1.2 renegotiation is waiting for the peer: keep the rest until a later unwrap lets it finish.
        pending = ByteString.fromByteBuffer(source);
        return;
      }
    }
  }

  private SSLEngineResult wrapOnce(ByteBuffer source, ByteStringBuilder toNetwork) throws SSLException {
    SSLEngineResult result = engine.wrap(source, netOut);
    drainInto(netOut, toNetwork);
    if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      netOut = grown(netOut, engine.getSession().getPacketBufferSize());
    }
    return result;
  }

  private static void drainInto(ByteBuffer buffer, ByteStringBuilder target) {
    buffer.flip();
    if (buffer.hasRemaining()) {
      target.append(ByteString.fromByteBuffer(buffer));
    }
    buffer.clear();
  }

  // Keeps what the buffer holds (write mode) and makes room for at least the size the engine now asks for.
  private static ByteBuffer grown(ByteBuffer buffer, int wanted) throws SSLException {
    int size = Math.max(wanted, buffer.capacity() * 2);
    if (buffer.capacity() >= MAX_BUFFER_BYTES) {
      throw new SSLException("TLS record larger than " + MAX_BUFFER_BYTES + " bytes");
    }
    ByteBuffer bigger = ByteBuffer.allocate(Math.min(size, MAX_BUFFER_BYTES));
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }

  private static String[] supported(SSLEngine engine) {
    List<String> available = Arrays.asList(engine.getSupportedProtocols());
    return PROTOCOLS.stream().filter(available::contains).toArray(String[]::new);
  }
}
