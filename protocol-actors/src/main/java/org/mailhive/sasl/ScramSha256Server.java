package org.mailhive.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mailhive.directory.ScramCredentials;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) for one exchange, without channel binding (no -PLUS).
 * Protocol-neutral: the session passes it the decoded client messages and sends what it returns, base64-encoded,
 * as its protocol's challenge. Verifying the proof costs a few HMACs: the slow PBKDF2 ran when the password was set.
 *
 * <p>A login that is unknown or has no stored SCRAM credentials gets a made-up salt (derived from the login, so
 * it is the same each time) and fails only at the proof, so the exchange does not tell a client which users exist
 * (RFC 5802 §9).
 */
public final class ScramSha256Server {
  public static final String MECHANISM = "SCRAM-SHA-256";

  /** What the client's first message said; {@code challenge} is the server-first-message to send. */
  public record First(String login, String challenge) {}

  /** The client's proof checked: {@code ok}, and the server-final-message to send on success. */
  public record Final(boolean ok, String serverFinal) {}

  /** A client message that breaks the protocol (RFC 5802 §7 grammar); the session answers with a syntax error. */
  public static final class ScramException extends Exception {
    public ScramException(String message) {
      super(message);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] FAKE_SALT_KEY = new byte[32];

  static {
    RANDOM.nextBytes(FAKE_SALT_KEY);
  }

  private final Supplier<String> serverNonce;
  private String gs2Header;
  private String clientFirstBare;
  private String serverFirst;
  private String nonce;
  private ScramCredentials credentials;
  private boolean known;

  public ScramSha256Server() {
    this(ScramSha256Server::randomNonce);
  }

  /** With a given server nonce part, for the RFC 7677 test vector. */
  public ScramSha256Server(Supplier<String> serverNonce) {
    this.serverNonce = serverNonce;
  }

  private static String randomNonce() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /**
   * Reads client-first-message ({@code gs2-header client-first-message-bare}) and answers server-first-message.
   * {@code lookup} gives the stored credentials of a login, empty when it has none.
   */
  public First first(String clientFirst, Function<String, Optional<ScramCredentials>> lookup) throws ScramException {
    // gs2-cbind-flag: "n" (client does not support channel binding) or "y" (it does, thinks we do not); "p=" asks
    // for channel binding, which we do not offer (no SCRAM-SHA-256-PLUS).
    if (!(clientFirst.startsWith("n,") || clientFirst.startsWith("y,"))) {
      throw new ScramException(clientFirst.startsWith("p=") ? "channel binding not supported" : "bad gs2 header");
    }
    int second = clientFirst.indexOf(',', 2);
    if (second < 0) {
      throw new ScramException("bad gs2 header");
    }
    String authzid = clientFirst.substring(2, second);
    gs2Header = clientFirst.substring(0, second + 1);
    clientFirstBare = clientFirst.substring(second + 1);
    String[] attrs = clientFirstBare.split(",", -1);
    if (attrs.length < 2 || attrs[0].startsWith("m=") || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")
        || attrs[1].length() < 3) {
      throw new ScramException("bad client-first-message");
    }
    String login = saslName(attrs[0].substring(2));
    if (!authzid.isEmpty() && !(authzid.startsWith("a=") && saslName(authzid.substring(2)).equalsIgnoreCase(login))) {
      throw new ScramException("authorization identity differs from the login");
    }
    Optional<ScramCredentials> stored = lookup.apply(login);
    known = stored.isPresent();
    credentials = stored.orElseGet(() -> fake(login));
    nonce = attrs[1].substring(2) + serverNonce.get();
    serverFirst = "r=" + nonce + ",s=" + credentials.salt() + ",i=" + credentials.iterations();
    return new First(login, serverFirst);
  }

  /** Reads client-final-message and checks its proof (RFC 5802 §3). */
  public Final last(String clientFinal) throws ScramException {
    if (serverFirst == null) {
      throw new ScramException("client-final-message before client-first-message");
    }
    int p = clientFinal.lastIndexOf(",p=");
    if (p < 0) {
      throw new ScramException("no proof");
    }
    String withoutProof = clientFinal.substring(0, p);
    String[] attrs = withoutProof.split(",", -1);
    if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) {
      throw new ScramException("bad client-final-message");
    }
    String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(clientFinal.substring(p + 3));
    } catch (IllegalArgumentException e) {
      throw new ScramException("proof is not base64");
    }
    if (!attrs[0].substring(2).equals(expectedBinding) || !attrs[1].substring(2).equals(nonce)) {
      return new Final(false, null);
    }
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] storedKey = credentials.storedKeyBytes();
    byte[] clientSignature = ScramCredentials.hmac(storedKey, authMessage);
    if (proof.length != clientSignature.length) {
      return new Final(false, null);
    }
    byte[] clientKey = new byte[proof.length];
    for (int i = 0; i < proof.length; i++) {
      clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
    }
    boolean ok = MessageDigest.isEqual(ScramCredentials.sha256(clientKey), storedKey) && known;
    if (!ok) {
      return new Final(false, null);
    }
    byte[] serverSignature = ScramCredentials.hmac(credentials.serverKeyBytes(), authMessage);
    return new Final(true, "v=" + Base64.getEncoder().encodeToString(serverSignature));
  }

  /** RFC 5802 §5.1: "=2C" is ",", "=3D" is "=", and no other "=" may appear in a saslname. */
  static String saslName(String raw) throws ScramException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '=') {
        if (raw.startsWith("=2C", i)) {
          b.append(',');
        } else if (raw.startsWith("=3D", i)) {
          b.append('=');
        } else {
          throw new ScramException("bad escape in saslname");
        }
        i += 2;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static ScramCredentials fake(String login) {
    byte[] salt = new byte[16];
    System.arraycopy(ScramCredentials.hmac(FAKE_SALT_KEY, login.toLowerCase(java.util.Locale.ROOT)), 0, salt, 0, 16);
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    Base64.Encoder b64 = Base64.getEncoder();
    return new ScramCredentials(ScramCredentials.ITERATIONS, b64.encodeToString(salt), b64.encodeToString(random),
        b64.encodeToString(random));
  }
}
