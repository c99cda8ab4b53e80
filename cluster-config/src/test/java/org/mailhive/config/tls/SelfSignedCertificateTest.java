package org.mailhive.config.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SelfSignedCertificateTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final SelfSignedCertificate GENERATED = SelfSignedCertificate.generate("mx.example.org", NOW);

  @Test
  void namesTheHostLocalhostAndTheIpv4LoopbackInSubjectAltName() throws Exception {
    // RFC 5280 §4.2.1.6: type 2 is dNSName, type 7 is iPAddress.
    Set<List<?>> names = Set.copyOf(GENERATED.certificate().getSubjectAlternativeNames());

    assertEquals(Set.of(List.of(2, "mx.example.org"), List.of(2, "localhost"), List.of(7, "127.0.0.1")), names);
  }

  @Test
  void isValidForTenYearsFromNow() {
    X509Certificate certificate = GENERATED.certificate();
    Duration remaining = Duration.between(NOW, certificate.getNotAfter().toInstant());

    assertEquals(Duration.ofDays(3650), remaining);
    assertTrue(certificate.getNotBefore().toInstant().isBefore(NOW));
  }

  @Test
  void isForServerAuthenticationAndNotACertificateAuthority() throws Exception {
    X509Certificate certificate = GENERATED.certificate();

    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage());
    assertEquals(-1, certificate.getBasicConstraints());
  }

  @Test
  void isSignedByItsOwnRsa2048Key() throws Exception {
    X509Certificate certificate = GENERATED.certificate();
    certificate.verify(GENERATED.keyPair().getPublic());

    assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
    assertEquals(2048, ((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength());
    assertEquals("SHA256withRSA", certificate.getSigAlgName());
    assertEquals(1, certificate.getSerialNumber().signum());
  }

  @Test
  void usesTheHostnameAsCommonName() {
    Set<String> rdns = Set.of(GENERATED.certificate().getSubjectX500Principal().getName().split(","));

    assertTrue(rdns.contains("CN=mx.example.org"), rdns.stream().collect(Collectors.joining(",")));
  }
}
