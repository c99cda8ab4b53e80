package org.mailhive.net;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * One listening port: its protocol name (for logs), address, whether TLS starts at once (implicit TLS, as on
 * 993 and 465), the TLS context for STARTTLS or implicit TLS, the idle timeout and the session factory.
 */
public record ListenerSpec(String protocol, String host, int port, boolean implicitTls, SSLContext tls,
                           Duration idleTimeout, SessionFactory sessions) {}
