package org.mailhive.config.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
  private static final int TIMEOUT_MS = 10_000;

  @TempDir
  Path dir;

  @Test
  void loadsTheSameCertificateOnTheSecondCallInsteadOfGeneratingAnother() {
    TlsMaterial first = TlsMaterial.loadOrCreate(dir.resolve("tls"), "mx.example.org");
    TlsMaterial second = TlsMaterial.loadOrCreate(dir.resolve("tls"), "mx.example.org");

    assertEquals(first.sha256Fingerprint(), second.sha256Fingerprint());
    assertEquals(first.certificate(), second.certificate());
    assertEquals(dir.resolve("tls").resolve("cert.pem"), second.certificateFile());
  }

  @Test
  void writesThePrivateKeyReadableOnlyByItsOwner() throws Exception {
    assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "needs a POSIX file system");
    TlsMaterial.loadOrCreate(dir, "mx.example.org");

    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(dir.resolve("key.pem")));
    assertEquals(Set.of("cert.pem", "key.pem"), filesIn(dir));
  }

  @Test
  void writesPkcs8KeyAndCertificateAsPem() throws Exception {
    TlsMaterial.loadOrCreate(dir, "mx.example.org");

    assertTrue(Files.readString(dir.resolve("key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
    assertTrue(Files.readString(dir.resolve("cert.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
  }

  @Test
  void handshakeSucceedsBetweenServerContextAndAClientTrustingThisCertificate() throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir, "mx.example.org");
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (SSLServerSocket server = (SSLServerSocket) tls.serverContext().getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Future<String> served = executor.submit(() -> {
        try (SSLSocket accepted = (SSLSocket) server.accept()) {
          accepted.setSoTimeout(TIMEOUT_MS);
          accepted.getOutputStream().write("220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
          accepted.getOutputStream().flush();
          return accepted.getSession().getProtocol();
        }
      });

      try (SSLSocket client = (SSLSocket) tls.clientContextTrustingThis().getSocketFactory().createSocket()) {
        SSLParameters parameters = client.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(parameters);
        client.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()), TIMEOUT_MS);
        client.setSoTimeout(TIMEOUT_MS);
        client.startHandshake();
        InputStream in = client.getInputStream();
        byte[] greeting = in.readNBytes(11);

        assertEquals("220 ready\r\n", new String(greeting, StandardCharsets.US_ASCII));
        Certificate[] presented = client.getSession().getPeerCertificates();
        assertArrayEquals(new Certificate[] {tls.certificate()}, presented);
      }
      // Only after the client closed: the JDK server socket's close() may wait, up to SO_TIMEOUT, for the client's.
      assertEquals("TLSv1.3", served.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void listensWithTls12AndTls13Only() throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir, "mx.example.org");
    try (SSLServerSocket server = (SSLServerSocket) tls.serverContext().getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(server.getEnabledProtocols()));
    }
    assertEquals(List.of("TLSv1.3", "TLSv1.2"),
        List.of(tls.serverContext().createSSLEngine().getEnabledProtocols()));
  }

  @Test
  void namesTheCorruptCertificateFile() throws Exception {
    TlsMaterial.loadOrCreate(dir, "mx.example.org");
    Path cert = dir.resolve("cert.pem");
    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> TlsMaterial.loadOrCreate(dir, "x"));
    assertTrue(e.getMessage().contains(cert.toString()), e.getMessage());
  }

  @Test
  void namesACertificateFileWithoutAnyPemBlock() throws Exception {
    TlsMaterial.loadOrCreate(dir, "mx.example.org");
    Path cert = dir.resolve("cert.pem");
    Files.writeString(cert, "this is not PEM\n");

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> TlsMaterial.loadOrCreate(dir, "x"));
    assertTrue(e.getMessage().contains(cert.toString()), e.getMessage());
  }

  @Test
  void namesTheCorruptKeyFile() throws Exception {
    TlsMaterial.loadOrCreate(dir, "mx.example.org");
    Path key = dir.resolve("key.pem");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n%%%garbage%%%\n-----END PRIVATE KEY-----\n");

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> TlsMaterial.loadOrCreate(dir, "x"));
    assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
  }

  @Test
  void refusesAKeyThatBelongsToAnotherCertificate() throws Exception {
    Path other = dir.resolve("other");
    TlsMaterial.loadOrCreate(dir, "mx.example.org");
    TlsMaterial.loadOrCreate(other, "mx.example.org");
    Files.copy(other.resolve("key.pem"), dir.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> TlsMaterial.loadOrCreate(dir, "x"));
    assertTrue(e.getMessage().contains(dir.resolve("key.pem").toString()), e.getMessage());
  }

  @Test
  void refusesToOverwriteACertificateWhoseKeyIsMissing() throws Exception {
    TlsMaterial.loadOrCreate(dir, "mx.example.org");
    byte[] installed = Files.readAllBytes(dir.resolve("cert.pem"));
    Files.delete(dir.resolve("key.pem"));

    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> TlsMaterial.loadOrCreate(dir, "x"));
    assertTrue(e.getMessage().contains(dir.resolve("key.pem").toString()), e.getMessage());
    assertArrayEquals(installed, Files.readAllBytes(dir.resolve("cert.pem")));
  }

  private static Set<String> filesIn(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
