package org.mailhive.net;

import org.apache.pekko.util.ByteString;

/** A connection over a listener's limit: says why (e.g. SMTP "421 4.7.0 ...") and closes. */
final class RefusingSession implements ProtocolSession {
  private final Connection conn;
  private final ByteString refusal;

  RefusingSession(Connection conn, ByteString refusal) {
    this.conn = conn;
    this.refusal = refusal;
  }

  @Override
  public void onStart() {
    conn.send(refusal);
    conn.close("too_many_connections");
  }

  @Override
  public void onInput(ByteString bytes) {}

  @Override
  public boolean wantsInput() {
    return false;
  }

  @Override
  public void onMessage(ConnectionActor.Command message) {}

  @Override
  public void onIdleTimeout() {
    conn.close("too_many_connections");
  }

  @Override
  public void onClosed() {}

  @Override
  public void onServerEnd(SessionEnd why) {
    conn.close(why.logReason());
  }
}
