package org.mailhive.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.config.tls.TlsMaterial;

/**
 * Interop: the JDK's own blocking {@link SSLSocket} as client, {@link TlsEngine} over a plain socket as server, the
 * way a connection actor drives it (read, unwrap, write toNetwork; wrap, write).
 */
class TlsEngineSocketTest {
  private static final int TIMEOUT_MS = 10_000;
  private static final byte[] GREETING = "220 mx.example.org ESMTP\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int PAYLOAD_BYTES = 256 * 1024;

  @TempDir
  static Path dir;
  static TlsMaterial tls;
  static ExecutorService executor;

  @BeforeAll
  static void createCertificate() {
    tls = TlsMaterial.loadOrCreate(dir, "mx.example.org");
    executor = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stopThreads() {
    executor.shutdownNow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void jdkSslSocketClientTalksToTlsEngineServer(String protocol) throws Exception {
    byte[] payload = new byte[PAYLOAD_BYTES];
    new Random(7).nextBytes(payload);
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Future<byte[]> echoed = executor.submit(() -> runClient(listener.getLocalPort(), protocol, payload));

      try (Socket socket = listener.accept()) {
        socket.setSoTimeout(TIMEOUT_MS);
        TlsEngine engine = TlsEngine.server(tls.serverContext());
        EchoOutcome outcome = serveEcho(engine, socket);

        assertArrayEquals(payload, echoed.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals(PAYLOAD_BYTES, outcome.received());
        assertTrue(outcome.peerClosed(), "client's close_notify was reported");
        assertEquals(protocol, engine.session().getProtocol());
      }
    }
  }

  private record EchoOutcome(long received, boolean peerClosed) {}

  // The greeting is wrapped before any byte arrives, as an SMTP server's 220 would be under implicit TLS.
  private static EchoOutcome serveEcho(TlsEngine engine, Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    write(out, engine.wrap(ByteString.fromArray(GREETING)));
    byte[] buffer = new byte[8192];
    long received = 0;
    while (true) {
      int n = in.read(buffer);
      if (n < 0) {
        return new EchoOutcome(received, false);
      }
      TlsEngine.Result result = engine.unwrap(ByteString.fromArray(buffer, 0, n));
      write(out, result.toNetwork());
      received += result.application().size();
      if (!result.application().isEmpty()) {
        write(out, engine.wrap(result.application()));
      }
      if (result.closed()) {
        write(out, engine.closeOutbound());
        return new EchoOutcome(received, true);
      }
    }
  }

  private static void write(OutputStream out, ByteString bytes) throws IOException {
    if (!bytes.isEmpty()) {
      out.write(bytes.toArray());
      out.flush();
    }
  }

  private static byte[] runClient(int port, String protocol, byte[] payload) throws Exception {
    try (SSLSocket socket = (SSLSocket) tls.clientContextTrustingThis().getSocketFactory().createSocket()) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setProtocols(new String[] {protocol});
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      InputStream in = socket.getInputStream();
      assertArrayEquals(GREETING, in.readNBytes(GREETING.length));
      // Writes on another thread so that neither side's socket buffer can fill while the other only writes.
      Future<?> writing = executor.submit(() -> {
        socket.getOutputStream().write(payload);
        socket.getOutputStream().flush();
        return null;
      });
      byte[] echoed = in.readNBytes(payload.length);
      writing.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      return echoed;
    }
  }
}
