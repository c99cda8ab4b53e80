package org.mailhive.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SaslResponseTest {
  @Test
  void decodesThePlainExampleOfRfc4616() {
    // RFC 4616 §4: "\0tim\0tanstaaftanstaaf"
    String decoded = SaslResponse.base64("AHRpbQB0YW5zdGFhZnRhbnN0YWFm").orElseThrow();
    assertEquals(Optional.of(new SaslResponse.Credentials("tim", "tanstaaftanstaaf")), SaslResponse.plain(decoded));
  }

  @Test
  void acceptsAnAuthorizationIdentityEqualToTheLoginOnly() {
    assertTrue(SaslResponse.plain("tim\u0000tim\u0000pw").isPresent());
    assertFalse(SaslResponse.plain("admin\u0000tim\u0000pw").isPresent(), "no master-user logins here");
  }

  @Test
  void refusesMalformedPlainResponses() {
    assertFalse(SaslResponse.plain("tim\u0000pw").isPresent());
    assertFalse(SaslResponse.plain("\u0000\u0000pw").isPresent());
    assertFalse(SaslResponse.plain("a\u0000b\u0000c\u0000d").isPresent());
  }

  @Test
  void equalsSignIsTheEmptyResponseAndBadBase64IsNothing() {
    assertEquals(Optional.of(""), SaslResponse.base64("="));
    assertEquals(Optional.empty(), SaslResponse.base64("not base64!"));
  }

  @Test
  void credentialsNeverShowThePasswordInText() {
    assertFalse(new SaslResponse.Credentials("tim", "secret").toString().contains("secret"));
  }
}
