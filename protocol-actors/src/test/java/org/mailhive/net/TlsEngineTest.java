package org.mailhive.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.Random;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.config.tls.TlsMaterial;

class TlsEngineTest {
  private static final int MEGABYTE = 1024 * 1024;
  private static final int WHOLE = Integer.MAX_VALUE;

  @TempDir
  static Path dir;
  static TlsMaterial tls;

  @BeforeAll
  static void createCertificate() {
    tls = TlsMaterial.loadOrCreate(dir, "mx.example.org");
  }

  @Test
  void completesTheHandshakeInMemory() throws Exception {
    Wire wire = new Wire(WHOLE);
    wire.toServer(wire.client.beginHandshake());
    wire.deliver();

    assertTrue(wire.client.handshakeComplete());
    assertTrue(wire.server.handshakeComplete());
    assertEquals("TLSv1.3", wire.client.session().getProtocol());
    assertArrayEquals(new Certificate[] {tls.certificate()}, wire.client.session().getPeerCertificates());
  }

  @Test
  void clientsFirstWrapIsTheClientHello() throws Exception {
    TlsEngine client = TlsEngine.client(tls.clientContextTrustingThis(), "localhost", 465);
    ByteString hello = client.wrap(ByteString.emptyByteString());

    // RFC 8446 §5.1: a handshake record (22) whose first message is a ClientHello (1).
    assertEquals(22, hello.apply(0));
    assertEquals(1, hello.apply(5));
    assertEquals(ByteString.emptyByteString(), client.beginHandshake());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 16 * 1024, WHOLE})
  void carriesAMegabyteEachWayByteIdenticalWhateverTheChunking(int chunk) throws Exception {
    ByteString fromClient = randomBytes(MEGABYTE, 1);
    ByteString fromServer = randomBytes(MEGABYTE, 2);
    Wire wire = new Wire(chunk);
    wire.toServer(wire.client.beginHandshake());
    wire.deliver();

    wire.toServer(wire.client.wrap(fromClient));
    for (int offset = 0; offset < MEGABYTE; offset += 5000) {
      wire.toClient(wire.server.wrap(fromServer.slice(offset, Math.min(offset + 5000, MEGABYTE))));
    }
    wire.deliver();

    assertEquals(fromClient, wire.atServer.result());
    assertEquals(fromServer, wire.atClient.result());
  }

  @Test
  void deliversPlaintextWrittenBeforeTheHandshakeCompletes() throws Exception {
    Wire wire = new Wire(7);
    wire.toClient(wire.server.wrap(ascii("220 mx.example.org ESMTP\r\n")));
    wire.toServer(wire.client.wrap(ascii("EHLO client.example.net\r\n")));
    wire.toServer(wire.client.wrap(ascii("MAIL FROM:<a@example.net>\r\n")));
    wire.deliver();

    assertEquals(ascii("EHLO client.example.net\r\nMAIL FROM:<a@example.net>\r\n"), wire.atServer.result());
    assertEquals(ascii("220 mx.example.org ESMTP\r\n"), wire.atClient.result());
  }

  @Test
  void reportsClosedWhenThePeerSendsCloseNotify() throws Exception {
    Wire wire = new Wire(WHOLE);
    wire.toServer(wire.client.wrap(ascii("QUIT\r\n")));
    wire.deliver();
    assertFalse(wire.serverSawClose);

    wire.toServer(wire.client.closeOutbound());
    wire.deliver();
    assertTrue(wire.serverSawClose);
    assertEquals(ascii("QUIT\r\n"), wire.atServer.result());

    wire.toClient(wire.server.closeOutbound());
    wire.deliver();
    assertTrue(wire.clientSawClose);
  }

  @Test
  void rejectsAServerCertificateThatDoesNotNameThePeerHost() throws Exception {
    Wire wire = new Wire(WHOLE, "mx.other.example");
    wire.toServer(wire.client.beginHandshake());

    assertThrows(SSLHandshakeException.class, wire::deliver);
  }

  @Test
  void rejectsARecordHeaderClaimingAnAbsurdLength() {
    TlsEngine server = TlsEngine.server(tls.serverContext());
    ByteStringBuilder record = ByteString.createBuilder();
    record.append(ByteString.fromArray(new byte[] {22, 3, 3, (byte) 0xff, (byte) 0xff}));
    record.append(ByteString.fromArray(new byte[2 * TlsEngine.MAX_BUFFER_BYTES]));

    assertThrows(SSLException.class, () -> server.unwrap(record.result()));
  }

  private static ByteString ascii(String text) {
    return ByteString.fromString(text, StandardCharsets.US_ASCII);
  }

  private static ByteString randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return ByteString.fromArrayUnsafe(bytes);
  }

  /** A client and a server engine joined by a network that delivers at most {@code chunk} bytes per read. */
  private static final class Wire {
    final TlsEngine client;
    final TlsEngine server = TlsEngine.server(tls.serverContext());
    final ByteStringBuilder atServer = ByteString.createBuilder();
    final ByteStringBuilder atClient = ByteString.createBuilder();
    final int chunk;
    ByteString toServer = ByteString.emptyByteString();
    ByteString toClient = ByteString.emptyByteString();
    boolean serverSawClose;
    boolean clientSawClose;

    Wire(int chunk) {
      this(chunk, "localhost");
    }

    Wire(int chunk, String peerHost) {
      this.chunk = chunk;
      this.client = TlsEngine.client(tls.clientContextTrustingThis(), peerHost, 465);
    }

    void toServer(ByteString bytes) {
      if (!bytes.isEmpty()) {
        toServer = toServer.concat(bytes).compact();
      }
    }

    void toClient(ByteString bytes) {
      if (!bytes.isEmpty()) {
        toClient = toClient.concat(bytes).compact();
      }
    }

    /** Runs until neither side has anything more to say. */
    void deliver() throws SSLException {
      while (!toServer.isEmpty() || !toClient.isEmpty()) {
        if (!toServer.isEmpty()) {
          ByteString read = toServer.take(chunk);
          toServer = toServer.drop(chunk);
          TlsEngine.Result result = server.unwrap(read);
          atServer.append(result.application());
          toClient(result.toNetwork());
          serverSawClose |= result.closed();
        }
        if (!toClient.isEmpty()) {
          ByteString read = toClient.take(chunk);
          toClient = toClient.drop(chunk);
          TlsEngine.Result result = client.unwrap(read);
          atClient.append(result.application());
          toServer(result.toNetwork());
          clientSawClose |= result.closed();
        }
      }
    }
  }
}
