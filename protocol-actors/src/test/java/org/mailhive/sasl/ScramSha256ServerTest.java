package org.mailhive.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailhive.directory.ScramCredentials;

class ScramSha256ServerTest {
  // RFC 7677 §3: user "user", password "pencil".
  private static final String SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
  private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  private static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

  private static final ScramCredentials PENCIL =
      ScramCredentials.derive("pencil", Base64.getDecoder().decode(SALT), 4096);

  private static Optional<ScramCredentials> lookup(String login) {
    return login.equals("user") ? Optional.of(PENCIL) : Optional.empty();
  }

  @Test
  void answersTheRfc7677ExampleExchangeByteForByte() throws Exception {
    ScramSha256Server server = new ScramSha256Server(() -> SERVER_NONCE);
    ScramSha256Server.First first = server.first(CLIENT_FIRST, ScramSha256ServerTest::lookup);
    assertEquals("user", first.login());
    assertEquals(SERVER_FIRST, first.challenge());
    ScramSha256Server.Final last = server.last(CLIENT_FINAL);
    assertTrue(last.ok());
    assertEquals(SERVER_FINAL, last.serverFinal());
  }

  @Test
  void storedCredentialsSurviveTheirTextForm() {
    String stored = PENCIL.encode();
    assertTrue(stored.startsWith("SCRAM-SHA-256$4096:" + SALT + "$"), stored);
    assertEquals(Optional.of(PENCIL), ScramCredentials.parse(stored));
    assertEquals(Optional.empty(), ScramCredentials.parse("{ARGON2ID}$argon2id$v=19$m=19456,t=2,p=1$x$y"));
    assertEquals(Optional.empty(), ScramCredentials.parse(null));
  }

  @Test
  void refusesAWrongProofWithoutSendingAServerSignature() throws Exception {
    ScramSha256Server server = new ScramSha256Server(() -> SERVER_NONCE);
    server.first(CLIENT_FIRST, ScramSha256ServerTest::lookup);
    ScramSha256Server.Final last = server.last(CLIENT_FINAL.replace("p=dHzb", "p=dHzc"));
    assertFalse(last.ok());
    assertNull(last.serverFinal());
  }

  @Test
  void refusesANonceTheServerDidNotGiveOrAChangedChannelBindingHeader() throws Exception {
    ScramSha256Server a = new ScramSha256Server(() -> SERVER_NONCE);
    a.first(CLIENT_FIRST, ScramSha256ServerTest::lookup);
    assertFalse(a.last(CLIENT_FINAL.replace("k0,p=", "k1,p=")).ok());
    ScramSha256Server b = new ScramSha256Server(() -> SERVER_NONCE);
    b.first(CLIENT_FIRST, ScramSha256ServerTest::lookup);
    assertFalse(b.last(CLIENT_FINAL.replace("c=biws", "c=eSws")).ok(), "y,, instead of the n,, that was sent");
  }

  @Test
  void anUnknownLoginGetsAStableMadeUpSaltAndFailsOnlyAtTheProof() throws Exception {
    ScramSha256Server one = new ScramSha256Server(() -> SERVER_NONCE);
    ScramSha256Server two = new ScramSha256Server(() -> SERVER_NONCE);
    String c1 = one.first("n,,n=nobody,r=abc", ScramSha256ServerTest::lookup).challenge();
    String c2 = two.first("n,,n=nobody,r=abc", ScramSha256ServerTest::lookup).challenge();
    assertEquals(c1, c2, "the same salt each time, as a real user's would be");
    assertTrue(c1.endsWith(",i=4096"), c1);
    assertFalse(one.last("c=biws,r=abc" + SERVER_NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=").ok());
  }

  @Test
  void refusesChannelBindingMalformedMessagesAndAForeignAuthorizationIdentity() {
    ScramSha256Server s = new ScramSha256Server(() -> SERVER_NONCE);
    assertThrows(ScramSha256Server.ScramException.class,
        () -> s.first("p=tls-unique,,n=user,r=abc", ScramSha256ServerTest::lookup));
    assertThrows(ScramSha256Server.ScramException.class,
        () -> s.first("n,,r=abc", ScramSha256ServerTest::lookup));
    assertThrows(ScramSha256Server.ScramException.class,
        () -> s.first("n,a=admin,n=user,r=abc", ScramSha256ServerTest::lookup));
    assertThrows(ScramSha256Server.ScramException.class,
        () -> s.first("n,,m=ext,n=user,r=abc", ScramSha256ServerTest::lookup));
    assertThrows(ScramSha256Server.ScramException.class, () -> new ScramSha256Server().last(CLIENT_FINAL));
  }

  @Test
  void decodesEscapedCommasAndEqualsSignsInTheLogin() throws Exception {
    assertEquals("a,b=c", ScramSha256Server.saslName("a=2Cb=3Dc"));
    assertThrows(ScramSha256Server.ScramException.class, () -> ScramSha256Server.saslName("a=b"));
  }
}
