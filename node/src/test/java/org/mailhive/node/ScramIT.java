package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.directory.DirectoryEntry.User;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) logins over IMAP AUTHENTICATE, submission AUTH and POP3 AUTH, driven by a client written
 * here from RFC 5802 §3 with the JDK's primitives (Python's imaplib has no SCRAM). The server's own signature is
 * checked too, so a server that merely accepted would fail. A user imported with only a crypt hash has no SCRAM
 * credentials: SCRAM fails for it like a wrong password, while its password login still works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScramIT {
  private static final String MD5_SECRET = "$1$caea3837$gPafod/Do/8Jj5M9HehhM."; // "secret", from issue #5

  TestNode node;
  SSLSocketFactory tls;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir, Map.of());
    // Set on the running node, as the admin tool does: the password gets its SCRAM credentials with its hash.
    node.node.directory().setPassword("carol@localhost", "carol pw");
    node.node.directory().putUser(new User("legacy@localhost", "", MD5_SECRET, true, 0, 0, null))
        .toCompletableFuture().get();
    tls = node.trustingSocketFactory();
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  /** The client side of one exchange (RFC 5802 §3), without channel binding ("n,,"). */
  static final class ScramClient {
    private final String login;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private String authMessage;
    private byte[] saltedPassword;

    ScramClient(String login, String password) {
      this.login = login;
      this.password = password;
      byte[] n = new byte[18];
      new SecureRandom().nextBytes(n);
      this.clientNonce = Base64.getEncoder().encodeToString(n);
    }

    String first() {
      clientFirstBare = "n=" + login.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
      return b64("n,," + clientFirstBare);
    }

    String last(String serverFirstB64) throws Exception {
      String serverFirst = unb64(serverFirstB64);
      String nonce = attr(serverFirst, "r");
      assertTrue(nonce.startsWith(clientNonce) && nonce.length() > clientNonce.length(), serverFirst);
      byte[] salt = Base64.getDecoder().decode(attr(serverFirst, "s"));
      int iterations = Integer.parseInt(attr(serverFirst, "i"));
      assertTrue(iterations >= 4096, "RFC 7677 §4: at least 4096 iterations, got " + iterations);
      SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      saltedPassword = f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
      byte[] clientKey = hmac(saltedPassword, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      String withoutProof = "c=" + b64("n,,") + ",r=" + nonce;
      authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
      byte[] signature = hmac(storedKey, authMessage);
      byte[] proof = new byte[clientKey.length];
      for (int i = 0; i < proof.length; i++) {
        proof[i] = (byte) (clientKey[i] ^ signature[i]);
      }
      return b64(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
    }

    /** True if the server-final-message proves the server knows our ServerKey. */
    boolean serverIsGenuine(String serverFinalB64) throws Exception {
      byte[] expected = hmac(hmac(saltedPassword, "Server Key"), authMessage);
      return unb64(serverFinalB64).equals("v=" + Base64.getEncoder().encodeToString(expected));
    }

    private static String attr(String message, String name) {
      for (String a : message.split(",")) {
        if (a.startsWith(name + "=")) {
          return a.substring(name.length() + 1);
        }
      }
      throw new AssertionError("no " + name + " in " + message);
    }

    private static byte[] hmac(byte[] key, String message) throws Exception {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(String s) {
      return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String unb64(String s) {
      return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
  }

  /** IMAP AUTHENTICATE SCRAM-SHA-256; returns the tagged reply, or the first reply that is not a continuation. */
  private String imapScram(String login, String password) throws Exception {
    try (LineClient c = new LineClient(node.imapPort())) {
      assertTrue(c.line().startsWith("* OK"));
      List<String> caps = c.imap("c", "CAPABILITY");
      assertTrue(caps.get(0).contains(" AUTH=SCRAM-SHA-256"), caps.toString());
      ScramClient scram = new ScramClient(login, password);
      c.send("a AUTHENTICATE SCRAM-SHA-256\r\n");
      assertEquals("+ ", c.line());
      c.send(scram.first() + "\r\n");
      String serverFirst = c.line();
      assertTrue(serverFirst.startsWith("+ "), serverFirst);
      c.send(scram.last(serverFirst.substring(2)) + "\r\n");
      String serverFinal = c.line();
      if (!serverFinal.startsWith("+ ")) {
        return serverFinal;
      }
      assertTrue(scram.serverIsGenuine(serverFinal.substring(2)), serverFinal);
      c.send("\r\n");
      String tagged = c.line();
      if (tagged.startsWith("a OK")) {
        assertTrue(LineClient.last(c.imap("b", "SELECT INBOX")).startsWith("b OK"), "logged in for real");
      }
      return tagged;
    }
  }

  /** Submission AUTH SCRAM-SHA-256 with an initial response, after STARTTLS; returns the final reply. */
  private String smtpScram(String login, String password) throws Exception {
    try (SmtpClient c = SmtpClient.plain(node.port("submission"))) {
      c.greet("EHLO");
      List<String> caps = c.starttls(tls);
      assertTrue(caps.stream().anyMatch(l -> l.endsWith("AUTH PLAIN LOGIN SCRAM-SHA-256")), caps.toString());
      ScramClient scram = new ScramClient(login, password);
      String serverFirst = c.cmd("AUTH SCRAM-SHA-256 " + scram.first());
      assertTrue(serverFirst.startsWith("334 "), serverFirst);
      String serverFinal = c.cmd(scram.last(serverFirst.substring(4)));
      if (!serverFinal.startsWith("334 ")) {
        return serverFinal;
      }
      assertTrue(scram.serverIsGenuine(serverFinal.substring(4)), serverFinal);
      String done = c.cmd("");
      if (done.startsWith("235")) {
        assertTrue(c.cmd("MAIL FROM:<" + login + ">").startsWith("250"), "authenticated for real");
      }
      return done;
    }
  }

  @Test
  void aUserWithAPasswordSetLogsInWithScramOverImapAndProvesTheServerKnowsItsKey() throws Exception {
    assertTrue(imapScram("carol@localhost", "carol pw").startsWith("a OK"));
  }

  @Test
  void aUserLogsInWithScramOverSubmission() throws Exception {
    assertEquals("235 2.7.0 Authentication successful", smtpScram("carol@localhost", "carol pw"));
  }

  /** POP3 AUTH SCRAM-SHA-256 with an initial response (RFC 5034); returns the final reply. */
  private String pop3Scram(String login, String password) throws Exception {
    try (LineClient c = new LineClient(node.port("pop3"))) {
      assertTrue(c.line().startsWith("+OK"));
      ScramClient scram = new ScramClient(login, password);
      c.send("AUTH SCRAM-SHA-256 " + scram.first() + "\r\n");
      String serverFirst = c.line();
      assertTrue(serverFirst.startsWith("+ "), serverFirst);
      c.send(scram.last(serverFirst.substring(2)) + "\r\n");
      String serverFinal = c.line();
      if (!serverFinal.startsWith("+ ")) {
        return serverFinal;
      }
      assertTrue(scram.serverIsGenuine(serverFinal.substring(2)), serverFinal);
      c.send("\r\n");
      String done = c.line();
      if (done.startsWith("+OK")) {
        c.send("STAT\r\n");
        assertTrue(c.line().startsWith("+OK 0 "), "logged in for real");
      }
      return done;
    }
  }

  @Test
  void aUserLogsInWithScramOverPop3() throws Exception {
    assertEquals("+OK Logged in.", pop3Scram("carol@localhost", "carol pw"));
    assertEquals("-ERR [AUTH] Authentication failed.", pop3Scram("carol@localhost", "wrong"));
  }

  @Test
  void aWrongPasswordFailsLikeAnyOther() throws Exception {
    assertEquals("a NO [AUTHENTICATIONFAILED] Authentication failed", imapScram("carol@localhost", "wrong"));
    assertEquals("535 5.7.8 Authentication credentials invalid", smtpScram("carol@localhost", "wrong"));
    assertEquals("a NO [AUTHENTICATIONFAILED] Authentication failed", imapScram("nobody@localhost", "x"));
  }

  @Test
  void anImportedUserWithOnlyACryptHashCannotUseScramButLogsInWithItsPassword() throws Exception {
    assertEquals("a NO [AUTHENTICATIONFAILED] Authentication failed", imapScram("legacy@localhost", "secret"));
    try (LineClient c = new LineClient(node.imapPort())) {
      c.line();
      assertTrue(LineClient.last(c.imap("a", "LOGIN legacy@localhost secret")).startsWith("a OK"));
    }
  }
}
