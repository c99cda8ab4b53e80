package org.mailhive.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes as Dovecot writes them. New passwords are always hashed with Argon2id:
 * {@code {ARGON2ID}$argon2id$v=19$m=…,t=…,p=…$salt$hash} (PHC string, unpadded base64). Imported users keep the
 * hash their old system gave them, with or without Dovecot's {@code {SCHEME}} prefix: MD5-CRYPT ({@code $1$}),
 * SHA256-CRYPT ({@code $5$}), SHA512-CRYPT ({@code $6$}), BCRYPT/BLF-CRYPT ({@code $2a$ $2b$ $2y$}), and
 * Dovecot's PBKDF2 ({@code {PBKDF2}$1$salt$rounds$hex}, HMAC-SHA1, which needs its prefix because its
 * {@code $1$} would otherwise read as MD5-CRYPT). The crypt schemes are computed by commons-codec and
 * BouncyCastle, not by us. Plain text and unknown schemes never match.
 */
public final class PasswordHash {
  private PasswordHash() {}

  // OWASP's minimum Argon2id configuration (19 MiB, 2 passes): slow enough for an offline attacker, fast enough
  // that a login costs ~50 ms of one core.
  private static final int MEMORY_KIB = 19 * 1024;
  private static final int ITERATIONS = 2;
  private static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final String SCHEME = "{ARGON2ID}";
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  /** Verified against when the user does not exist, so that the answer takes as long either way. */
  private static final String DUMMY = hash("not a password of anyone");

  public static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] out = argon2(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return SCHEME + "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
        + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /** True if {@code password} matches {@code stored}; a malformed or unknown hash never matches. */
  public static boolean verify(String stored, String password) {
    if (stored == null || password == null) {
      return false;
    }
    String scheme = "";
    String hash = stored;
    if (stored.startsWith("{")) {
      int close = stored.indexOf('}');
      if (close < 0) {
        return false;
      }
      scheme = stored.substring(1, close).toUpperCase(java.util.Locale.ROOT);
      hash = stored.substring(close + 1);
    }
    try {
      if (scheme.equals("PBKDF2")) {
        return verifyPbkdf2(hash, password);
      }
      if (!CRYPT_SCHEMES.contains(scheme)) {
        return false;
      }
      if (hash.startsWith("$argon2id$")) {
        return verifyArgon2(hash, password);
      }
      byte[] pw = password.getBytes(StandardCharsets.UTF_8);
      if (hash.startsWith("$1$")) {
        return same(Md5Crypt.md5Crypt(pw, hash), hash);
      }
      if (hash.startsWith("$5$")) {
        return same(Sha2Crypt.sha256Crypt(pw, hash), hash);
      }
      if (hash.startsWith("$6$")) {
        return same(Sha2Crypt.sha512Crypt(pw, hash), hash);
      }
      if (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$")) {
        return OpenBSDBCrypt.checkPassword(hash, pw);
      }
      return false;
    } catch (RuntimeException malformed) {
      // commons-codec and BouncyCastle throw IllegalArgumentException for a malformed salt or cost.
      return false;
    }
  }

  /** The scheme prefixes Dovecot writes for the hash shapes we read; the shape decides, the prefix only admits. */
  private static final java.util.Set<String> CRYPT_SCHEMES = java.util.Set.of("", "ARGON2ID", "CRYPT", "MD5-CRYPT",
      "SHA256-CRYPT", "SHA512-CRYPT", "BLF-CRYPT", "BCRYPT");
  private static final Pattern DOVECOT_PBKDF2 = Pattern.compile("\\$1\\$([^$]{1,64})\\$(\\d{1,7})\\$([0-9a-fA-F]{40})");

  private static boolean same(String computed, String stored) {
    return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII));
  }

  /** Dovecot's password-scheme-pbkdf2.c: PBKDF2-HMAC-SHA1 over the salt's characters, 20 bytes, in hex. */
  private static boolean verifyPbkdf2(String hash, String password) {
    Matcher m = DOVECOT_PBKDF2.matcher(hash);
    if (!m.matches()) {
      return false;
    }
    try {
      javax.crypto.SecretKeyFactory f = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1");
      byte[] key = f.generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(),
          m.group(1).getBytes(StandardCharsets.UTF_8), Integer.parseInt(m.group(2)), 160)).getEncoded();
      return MessageDigest.isEqual(key, java.util.HexFormat.of().parseHex(m.group(3).toLowerCase(java.util.Locale.ROOT)));
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean verifyArgon2(String hash, String password) {
    Matcher m = PHC.matcher(hash);
    if (!m.matches()) {
      return false;
    }
    byte[] salt = B64D.decode(m.group(4));
    byte[] expected = B64D.decode(m.group(5));
    byte[] actual = argon2(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  /** Spends the time of one verification, for unknown users. */
  public static void verifyDummy(String password) {
    verify(DUMMY, password);
  }

  private static byte[] argon2(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism)
        .withSalt(salt).build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] out = new byte[length];
    gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
