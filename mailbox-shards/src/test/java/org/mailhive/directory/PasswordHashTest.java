package org.mailhive.directory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Known vectors for the password "secret", made outside Java: {@code openssl passwd -1/-5/-6}, glibc's crypt(3)
 * through python for bcrypt, and {@code doveadm pw -s PBKDF2/BLF-CRYPT/SHA512-CRYPT} for Dovecot's own output.
 */
class PasswordHashTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "$1$caea3837$gPafod/Do/8Jj5M9HehhM.",
      "{MD5-CRYPT}$1$caea3837$gPafod/Do/8Jj5M9HehhM.",
      "{CRYPT}$1$caea3837$gPafod/Do/8Jj5M9HehhM.",
      "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA",
      "{SHA256-CRYPT}$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA",
      "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1",
      "{SHA512-CRYPT}$6$xiY9PLu8LYvz8M4m$Kpf7A4ykH7y/zVMVpl7FXcOpmlpNdhPpRhg6Z1kFmMBBUh4SNuiCBATWdiU/K.qZ7BqWCRrnqh5HnjcFip0m4/",
      "$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a",
      "$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a",
      "{BLF-CRYPT}$2y$05$BhhANWFGUoLTsIa2t0VtCe6HoiApS4czIay7zSVp2tk3WluR4FVgy",
      "{PBKDF2}$1$ucipmAtPBU5CTQ0y$5000$e9456956d2c2699be7f6572e3392b01a48c3aae5",
      "{PBKDF2}$1$abcdefghijklmnop$5000$45937b8f8cb51eb6efe003dabea51300f2777475"})
  void schemesFoundOnRealSystemsVerifyTheRightPasswordOnly(String stored) {
    assertTrue(PasswordHash.verify(stored, "secret"), stored);
    assertFalse(PasswordHash.verify(stored, "Secret"), stored);
    assertFalse(PasswordHash.verify(stored, ""), stored);
  }

  @Test
  void bcryptMadeByBouncyCastleIn2aFormVerifies() {
    byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    String h = OpenBSDBCrypt.generate("2a", "secret".getBytes(StandardCharsets.UTF_8), salt, 4);
    assertTrue(h.startsWith("$2a$04$"), h);
    assertTrue(PasswordHash.verify(h, "secret"));
    assertFalse(PasswordHash.verify(h, "secreT"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{PLAIN}secret", "secret", "{PBKDF2}$1$caea3837$gPafod/Do/8Jj5M9HehhM.",
      "{MD5-CRYPT}$1$", "$6$", "$2y$99$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a", "{SHA512-CRYPT",
      "{NTLM}$1$caea3837$gPafod/Do/8Jj5M9HehhM.", "$argon2id$v=19$m=8,t=1,p=1$$"})
  void plainTextUnknownSchemesAndMalformedHashesNeverMatch(String stored) {
    assertFalse(PasswordHash.verify(stored, "secret"), stored);
  }

  @Test
  void newPasswordsStayArgon2idEvenWhenTheOldHashWasAnotherScheme() {
    assertTrue(PasswordHash.hash("secret").startsWith("{ARGON2ID}$argon2id$"));
  }
}
