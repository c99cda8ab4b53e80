package org.mailhive.shard;

/**
 * Names one mailbox of one user; its entity id is {@code user:mailbox}. The user comes first so that every
 * mailbox of a user hashes to the same shard (director-style affinity, see {@link UserShardExtractor}).
 */
public record MailboxAddress(String user, String mailbox) {
  static final char SEPARATOR = ':';

  public MailboxAddress {
    if (user.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("user name contains ':'");
    }
  }

  public String entityId() {
    return user + SEPARATOR + mailbox;
  }

  public static MailboxAddress ofEntityId(String entityId) {
    int at = entityId.indexOf(SEPARATOR);
    if (at <= 0) {
      throw new IllegalArgumentException("not a mailbox entity id: " + entityId);
    }
    return new MailboxAddress(entityId.substring(0, at), entityId.substring(at + 1));
  }
}
