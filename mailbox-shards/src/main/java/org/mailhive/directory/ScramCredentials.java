package org.mailhive.directory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a server keeps to verify SCRAM-SHA-256 logins (RFC 5802 §3, RFC 7677): salt, iteration count, StoredKey
 * and ServerKey, never the password. Derived when a password is set, next to its Argon2id hash, and stored in
 * Dovecot's text form {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (base64), so a user
 * imported with only a crypt hash has none and cannot use SCRAM until its password is set again.
 * The primitives are the JDK's (PBKDF2WithHmacSHA256, HmacSHA256, SHA-256).
 */
public record ScramCredentials(int iterations, String salt, String storedKey, String serverKey) {
  private static final String PREFIX = "SCRAM-SHA-256$";
  /** RFC 7677 §4: at least 4096 iterations. Paid once per password change, not per login. */
  public static final int ITERATIONS = 4096;
  private static final int SALT_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Fresh credentials for a password with a random salt. */
  public static String derive(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return derive(password, salt, ITERATIONS).encode();
  }

  public static ScramCredentials derive(String password, byte[] salt, int iterations) {
    byte[] salted = saltedPassword(password, salt, iterations);
    byte[] clientKey = hmac(salted, "Client Key");
    byte[] serverKey = hmac(salted, "Server Key");
    Base64.Encoder b64 = Base64.getEncoder();
    return new ScramCredentials(iterations, b64.encodeToString(salt), b64.encodeToString(sha256(clientKey)),
        b64.encodeToString(serverKey));
  }

  public String encode() {
    return PREFIX + iterations + ":" + salt + "$" + storedKey + ":" + serverKey;
  }

  /** The stored form back; empty for null or anything else (no SCRAM for that user). */
  public static Optional<ScramCredentials> parse(String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] halves = stored.substring(PREFIX.length()).split("\\$", -1);
    if (halves.length != 2) {
      return Optional.empty();
    }
    String[] a = halves[0].split(":", -1);
    String[] b = halves[1].split(":", -1);
    if (a.length != 2 || b.length != 2 || !a[0].matches("\\d{1,7}")) {
      return Optional.empty();
    }
    return Optional.of(new ScramCredentials(Integer.parseInt(a[0]), a[1], b[0], b[1]));
  }

  public byte[] saltBytes() {
    return Base64.getDecoder().decode(salt);
  }

  public byte[] storedKeyBytes() {
    return Base64.getDecoder().decode(storedKey);
  }

  public byte[] serverKeyBytes() {
    return Base64.getDecoder().decode(serverKey);
  }

  /**
   * RFC 5802 §2.2 Hi() is PBKDF2 with HMAC and one block (RFC 2898). The password should be SASLprep'ed (RFC 4013);
   * the JDK has no SASLprep, so NFKC, its main step, stands in: identical for ASCII passwords.
   */
  public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    try {
      char[] normalized = Normalizer.normalize(password, Normalizer.Form.NFKC).toCharArray();
      PBEKeySpec spec = new PBEKeySpec(normalized, salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    }
  }

  public static byte[] hmac(byte[] key, String message) {
    return hmac(key, message.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
