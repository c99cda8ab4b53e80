package org.mailhive.net;

import org.apache.pekko.util.ByteString;

/**
 * The session logic of one protocol on one connection: decodes the client's bytes into commands, runs them and
 * answers through its {@link Connection}. It runs inside the connection actor, so it is single-threaded and
 * must never block: storage work is asked for and its answer arrives later through {@link #onMessage}.
 */
public interface ProtocolSession {
  /** The connection is up (and, with implicit TLS, about to handshake): send the greeting. */
  void onStart();

  /** Bytes from the client, already decrypted. */
  void onInput(ByteString bytes);

  /**
   * False while a command waits for storage. The connection then stops reading from the socket, so a client
   * that pipelines cannot make the server buffer without bound (TCP backpressure does the rest).
   */
  boolean wantsInput();

  /** A protocol-specific message for this session: an entity's reply, a pushed change, a finished future. */
  void onMessage(ConnectionActor.Command message);

  /** The client said nothing for the protocol's idle timeout; the session says goodbye and closes. */
  void onIdleTimeout();

  /** The connection is gone (either side); release subscriptions. */
  void onClosed();

  /**
   * True when no command is running and none is partly received (an APPEND literal, a DATA transfer): the moment
   * a session may be ended without losing a command the client already sent. The default, {@link #wantsInput()},
   * is right for a session that reads whole lines.
   */
  default boolean betweenCommands() {
    return wantsInput();
  }

  /**
   * The server ends the session: send the protocol's goodbye for {@code why} and close. The connection calls this
   * once, when {@link #betweenCommands()} or when the drain timeout has passed.
   */
  void onServerEnd(SessionEnd why);
}
