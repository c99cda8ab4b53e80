package org.mailhive.net;

import java.net.InetSocketAddress;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.util.ByteString;

/** What a protocol session may do with its TCP connection. Implemented by {@link ConnectionActor}. */
public interface Connection {
  /** Queues bytes for the client, encrypted if TLS is on. Order is kept. */
  void send(ByteString bytes);

  /**
   * Switches to TLS: everything queued before this call goes out in plaintext, everything after is encrypted,
   * and the next bytes from the client are read as a TLS handshake.
   */
  void startTls();

  boolean tlsActive();

  /**
   * Switches on COMPRESS=DEFLATE (RFC 4978): everything queued before this call goes out uncompressed, everything
   * after is compressed (inside TLS, if on), and the next bytes from the client are inflated.
   */
  void startCompression();

  boolean compressionActive();

  /** Sends what is queued, then closes the connection. */
  void close(String reason);

  /** The connection actor's context: for asks to entities and for piping futures back as messages. */
  ActorContext<ConnectionActor.Command> context();

  InetSocketAddress remote();

  InetSocketAddress local();

  /** Short id of this connection, in every log line of the session. */
  String sid();

  /** The session logged in as {@code user}: from now on {@code mailhive-admin kick USER} reaches it. */
  void loggedIn(String user);
}
