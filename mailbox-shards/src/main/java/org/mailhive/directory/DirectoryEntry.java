package org.mailhive.directory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;

/**
 * The entries of the directory. Each is stored in the replicated map under {@code kind:name} as a JSON string,
 * so that the map needs no serializer of ours and unknown fields added later are ignored by older nodes.
 */
public final class DirectoryEntry {
  private DirectoryEntry() {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public enum Kind {
    USER("user:"), DOMAIN("domain:"), ALIAS("alias:"), LIST("list:");

    final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    public String key(String name) {
      return prefix + UserDirectory.canonical(name);
    }
  }

  /**
   * A mailbox owner. {@code quotaBytes}/{@code quotaMessages} of 0 mean unlimited; {@code forward} is an address
   * the user's mail is forwarded to at delivery (through the outbound queue when remote; a local copy is kept only
   * with {@code mailhive.smtp.outbound.forward-keeps-copy}).
   * {@code scram} is the user's {@link ScramCredentials} in their stored form, or null: set with the password.
   */
  public record User(String address, String realName, String passwordHash, boolean active, long quotaBytes,
                     long quotaMessages, String forward, String scram) {
    /** A user without SCRAM credentials (imported with a crypt hash, or written before SCRAM existed). */
    public User(String address, String realName, String passwordHash, boolean active, long quotaBytes,
                long quotaMessages, String forward) {
      this(address, realName, passwordHash, active, quotaBytes, quotaMessages, forward, null);
    }

    /** A new hash without SCRAM credentials: the old ones would belong to the old password. */
    public User withPasswordHash(String hash) {
      return withPassword(hash, null);
    }

    public User withPassword(String hash, String scramCredentials) {
      return new User(address, realName, hash, active, quotaBytes, quotaMessages, forward, scramCredentials);
    }
  }

  /** A domain we accept mail for; one is primary. {@code catchAll} (null: off) receives unknown local parts. */
  public record Domain(String name, boolean primary, String catchAll) {}

  /** A one-to-one alias: mail to {@code address} goes to {@code target}, which its owner may also send as. */
  public record Alias(String address, String target) {}

  /** A group or list: mail to {@code address} is expanded at delivery to every member. */
  public record MailingList(String address, List<String> members) {}

  static String encode(Object entry) {
    try {
      return JSON.writeValueAsString(entry);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T decode(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("unreadable directory entry: " + e.getOriginalMessage());
    }
  }

  /** A syntactically plausible mailbox address: one @, non-empty parts, nothing our files or JSON keys choke on. */
  public static String requireAddress(String address) {
    String c = address == null ? "" : UserDirectory.canonical(address);
    int at = c.lastIndexOf('@');
    if (at <= 0 || at == c.length() - 1 || c.indexOf('@') != at || c.matches(".*[\\s:|,<>()\\[\\]\\\\\"].*")) {
      throw new IllegalArgumentException("not a valid address: " + address);
    }
    return c;
  }

  public static String requireDomain(String domain) {
    String c = domain == null ? "" : domain.trim().toLowerCase(Locale.ROOT);
    if (!c.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
      throw new IllegalArgumentException("not a valid domain: " + domain);
    }
    return c;
  }

  static String domainOf(String address) {
    return address.substring(address.lastIndexOf('@') + 1);
  }
}
