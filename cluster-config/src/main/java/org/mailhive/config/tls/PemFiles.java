package org.mailhive.config.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes the two PEM files of {@link TlsMaterial}. Every failure names the file, since an admin has to know
 * which one to fix.
 */
final class PemFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

  private PemFiles() {}

  /** The server certificate first, then any intermediates, in the order the file lists them (RFC 7468 §5.1). */
  static List<X509Certificate> readCertificateChain(Path file) {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(reader(file))) {
      for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
        if (!(block instanceof X509CertificateHolder holder)) {
          throw new TlsMaterialException(file + ": expected only CERTIFICATE blocks, found " + describe(block));
        }
        chain.add(converter.getCertificate(holder));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw failure(file, "cannot read certificate", e);
    }
    if (chain.isEmpty()) {
      throw new TlsMaterialException(file + ": no PEM CERTIFICATE block found");
    }
    return List.copyOf(chain);
  }

  /** Accepts PKCS#8 ("PRIVATE KEY") and, because older tools still write it, the traditional OpenSSL form. */
  static PrivateKey readPrivateKey(Path file) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(reader(file))) {
      Object block = parser.readObject();
      if (block == null) {
        throw new TlsMaterialException(file + ": no PEM PRIVATE KEY block found");
      }
      if (block instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (block instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (block instanceof PKCS8EncryptedPrivateKeyInfo || block instanceof PEMEncryptedKeyPair) {
        // A node starts unattended, so there is nobody to type a passphrase; file permissions protect the key.
        throw new TlsMaterialException(file + ": the private key is encrypted; store it unencrypted with mode 0600");
      }
      throw new TlsMaterialException(file + ": expected a PRIVATE KEY block, found " + describe(block));
    } catch (IOException | RuntimeException e) {
      throw failure(file, "cannot read private key", e);
    }
  }

  static void writeCertificate(Path file, X509Certificate certificate) {
    try {
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
        writer.writeObject(certificate);
      }
      replaceAtomically(file, pem.toString(), WORLD_READABLE);
    } catch (IOException e) {
      throw failure(file, "cannot write certificate", e);
    }
  }

  /** Mode 0600 from the moment the file exists, so the key is never readable by others, not even briefly. */
  static void writePrivateKey(Path file, PrivateKey key) {
    try {
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
        writer.writeObject(new JcaPKCS8Generator(key, null));
      }
      replaceAtomically(file, pem.toString(), OWNER_ONLY);
    } catch (IOException e) {
      throw failure(file, "cannot write private key", e);
    }
  }

  // A reader never sees a half-written file: write a temporary file beside the target, then rename it.
  private static void replaceAtomically(Path file, String content, Set<PosixFilePermission> mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    Path temp = posix
        ? Files.createTempFile(dir, ".tmp-", ".pem", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(dir, ".tmp-", ".pem");
    try {
      Files.writeString(temp, content, StandardCharsets.US_ASCII);
      if (posix) {
        Files.setPosixFilePermissions(temp, mode);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static Reader reader(Path file) throws IOException {
    return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
  }

  private static String describe(Object block) {
    return block.getClass().getSimpleName();
  }

  private static TlsMaterialException failure(Path file, String what, Exception e) {
    if (e instanceof TlsMaterialException named) {
      return named;
    }
    return new TlsMaterialException(file + ": " + what + ": " + e, e);
  }
}
