package org.mailhive.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Decoding of SASL client responses for PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login). */
public final class SaslResponse {
  private SaslResponse() {}

  /** A login and password from a client; {@code toString} leaves the password out of any log. */
  public record Credentials(String login, String password) {
    @Override
    public String toString() {
      return "Credentials[" + login + "]";
    }
  }

  /** "=" is the empty response (RFC 4954 §4); otherwise base64, or empty when it is not valid base64. */
  public static Optional<String> base64(String response) {
    if (response.equals("=")) {
      return Optional.of("");
    }
    try {
      return Optional.of(new String(Base64.getDecoder().decode(response.trim()), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A challenge for the wire: base64 of its UTF-8 bytes. */
  public static String encode(String challenge) {
    return Base64.getEncoder().encodeToString(challenge.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * RFC 4616 §2: [authzid] NUL authcid NUL passwd. An authorization identity other than the login would be a
   * master-user login, which is not accepted here.
   */
  public static Optional<Credentials> plain(String decoded) {
    String[] parts = decoded.split("\u0000", -1);
    if (parts.length != 3 || parts[1].isEmpty() || (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1]))) {
      return Optional.empty();
    }
    return Optional.of(new Credentials(parts[1], parts[2]));
  }
}
