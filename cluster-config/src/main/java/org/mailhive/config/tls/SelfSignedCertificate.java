package org.mailhive.config.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A freshly generated key pair and a self-signed certificate for it, so that a new node can offer TLS and STARTTLS
 * before an admin installs a real certificate.
 *
 * <p>RSA 2048 with SHA-256 rather than EC P-256: every client we care about (Jakarta Mail, curl, swaks, openssl,
 * Outlook, old Android and embedded devices) accepts it, while some older stacks still lack ECDSA suites.
 */
final class SelfSignedCertificate {
  /** Long enough that nobody meets an expired test certificate; an admin replaces it for production anyway. */
  static final Duration VALIDITY = Duration.ofDays(3650);
  /** Tolerates clients whose clocks run a little behind ours. */
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final int RSA_BITS = 2048;
  /** RFC 5280 §4.1.2.2: serials are positive and at most 20 octets; 159 random bits stay within that. */
  private static final int SERIAL_BITS = 159;

  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private SelfSignedCertificate(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  static SelfSignedCertificate generate(String hostname, Instant now) {
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(RSA_BITS, random);
      KeyPair keyPair = generator.generateKeyPair();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
          .addRDN(BCStyle.O, "Mailhive self-signed")
          .addRDN(BCStyle.CN, hostname)
          .build();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          subject,
          new BigInteger(SERIAL_BITS, random).setBit(0),
          Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(VALIDITY)),
          subject,
          keyPair.getPublic());
      addExtensions(builder, keyPair, hostname);
      X509Certificate certificate = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate())));
      return new SelfSignedCertificate(keyPair, certificate);
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate for " + hostname, e);
    }
  }

  // RFC 6125 §6.4.4 / RFC 7817 §3: clients match names against subjectAltName only and ignore the CN when a SAN is
  // present, so every name a client may dial must be in it. No keyUsage extension: OpenSSL 3 then still treats the
  // certificate as self-signed when it is its own trust anchor, and RFC 5280 §4.2.1.3 requires keyUsage only for CAs.
  private static void addExtensions(X509v3CertificateBuilder builder, KeyPair keyPair, String hostname)
      throws CertIOException, GeneralSecurityException {
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    GeneralNames names = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, hostname),
        new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
    builder.addExtension(Extension.subjectAlternativeName, false, names);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keyPair.getPublic()));
    builder.addExtension(Extension.authorityKeyIdentifier, false,
        utils.createAuthorityKeyIdentifier(keyPair.getPublic()));
  }

  KeyPair keyPair() {
    return keyPair;
  }

  X509Certificate certificate() {
    return certificate;
  }
}
