package org.mailhive.config.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's TLS identity: a private key and its certificate chain, read from {@code cert.pem} and {@code key.pem}
 * in one directory.
 *
 * <p>When neither file exists, {@link #loadOrCreate} generates a self-signed certificate and writes both files, so a
 * fresh node offers TLS at once and keeps the same certificate across restarts (clients that pinned it keep
 * working). An admin installs a real certificate by replacing the two files. When only one file exists we stop
 * instead of overwriting it: that is a half-finished installation, not a fresh node.
 */
public final class TlsMaterial {
  public static final String CERTIFICATE_FILE = "cert.pem";
  public static final String KEY_FILE = "key.pem";

  private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
  /** Protects only the in-memory key store, which never leaves this object. */
  private static final char[] IN_MEMORY_PASSWORD = "mailhive".toCharArray();

  private final Path certificateFile;
  private final List<X509Certificate> chain;
  private final SSLContext serverContext;
  private final SSLContext clientContext;

  private TlsMaterial(Path certificateFile, List<X509Certificate> chain, PrivateKey key) {
    this.certificateFile = certificateFile;
    this.chain = chain;
    this.serverContext = buildServerContext(chain, key);
    this.clientContext = buildClientContext(chain.get(0));
  }

  public static TlsMaterial loadOrCreate(Path tlsDir, String hostname) {
    Path certFile = tlsDir.resolve(CERTIFICATE_FILE);
    Path keyFile = tlsDir.resolve(KEY_FILE);
    boolean haveCert = Files.exists(certFile);
    boolean haveKey = Files.exists(keyFile);
    if (haveCert != haveKey) {
      Path missing = haveCert ? keyFile : certFile;
      throw new TlsMaterialException(missing + ": missing, while " + (haveCert ? certFile : keyFile)
          + " exists; install both files or remove both to get a self-signed certificate");
    }
    if (!haveCert) {
      createSelfSigned(tlsDir, certFile, keyFile, hostname);
    }
    List<X509Certificate> chain = PemFiles.readCertificateChain(certFile);
    PrivateKey key = PemFiles.readPrivateKey(keyFile);
    requireMatchingKey(chain.get(0), key, certFile, keyFile);
    return new TlsMaterial(certFile, chain, key);
  }

  /** For listeners: TLS 1.3 and 1.2 only, presenting this certificate chain. */
  public SSLContext serverContext() {
    return serverContext;
  }

  /**
   * For our own tools and tests: trusts exactly this certificate and nothing else, so a client built on it fails
   * against any other server.
   */
  public SSLContext clientContextTrustingThis() {
    return clientContext;
  }

  public Path certificateFile() {
    return certificateFile;
  }

  /** The server's own certificate, the first in the chain. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Lower-case hex SHA-256 of the DER certificate, as admins compare it with {@code openssl x509 -fingerprint}. */
  public String sha256Fingerprint() {
    return fingerprint(certificate());
  }

  private static void createSelfSigned(Path tlsDir, Path certFile, Path keyFile, String hostname) {
    try {
      Files.createDirectories(tlsDir);
    } catch (IOException e) {
      throw new TlsMaterialException(tlsDir + ": cannot create TLS directory: " + e, e);
    }
    SelfSignedCertificate generated = SelfSignedCertificate.generate(hostname, Instant.now());
    // Key first: a crash between the two writes leaves only key.pem, which loadOrCreate reports instead of
    // silently pairing a new certificate with nothing.
    PemFiles.writePrivateKey(keyFile, generated.keyPair().getPrivate());
    PemFiles.writeCertificate(certFile, generated.certificate());
    LOG.info("tls_selfsigned_created path={} sha256={}", certFile, fingerprint(generated.certificate()));
  }

  // A key that does not belong to the certificate otherwise surfaces only as a handshake failure on the first client.
  private static void requireMatchingKey(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    try {
      byte[] probe = "mailhive key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // Falls through: a key of another type than the certificate's cannot sign for it either.
    }
    throw new TlsMaterialException(keyFile + ": private key does not belong to the certificate in " + certFile);
  }

  private static SSLContext buildServerContext(List<X509Certificate> chain, PrivateKey key) {
    try {
      KeyStore store = emptyKeyStore();
      store.setKeyEntry("server", key, IN_MEMORY_PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, IN_MEMORY_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return PinnedProtocols.pin(context);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the server TLS context", e);
    }
  }

  private static SSLContext buildClientContext(X509Certificate certificate) {
    try {
      KeyStore store = emptyKeyStore();
      store.setCertificateEntry("mailhive", certificate);
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return PinnedProtocols.pin(context);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the client TLS context", e);
    }
  }

  private static KeyStore emptyKeyStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
