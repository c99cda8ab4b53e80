package org.mailhive.net;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.apache.pekko.util.ByteString;

/**
 * One listening port: its protocol name (for logs), address, whether TLS starts at once (implicit TLS, as on
 * 993 and 465), the TLS context for STARTTLS or implicit TLS, the idle timeout and the session factory; and how
 * many connections one client IP address may hold open at once (0: no limit), with the protocol's words for
 * refusing one more ({@code refusal}, sent before the close).
 */
public record ListenerSpec(String protocol, String host, int port, boolean implicitTls, SSLContext tls,
                           Duration idleTimeout, SessionFactory sessions, int maxConnectionsPerIp,
                           ByteString refusal) {
  public ListenerSpec(String protocol, String host, int port, boolean implicitTls, SSLContext tls,
                      Duration idleTimeout, SessionFactory sessions) {
    this(protocol, host, port, implicitTls, tls, idleTimeout, sessions, 0, ByteString.emptyByteString());
  }
}
