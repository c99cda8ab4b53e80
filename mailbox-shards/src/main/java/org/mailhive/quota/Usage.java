package org.mailhive.quota;

/** What a user's mailboxes hold: the sum of RFC822.SIZE in octets and the number of messages, over all folders. */
public record Usage(long bytes, long messages) {
  public static final Usage NONE = new Usage(0, 0);

  public Usage plus(long moreBytes, long moreMessages) {
    return new Usage(bytes + moreBytes, messages + moreMessages);
  }

  /** RFC 9208 §5.1: STORAGE is counted in units of 1024 octets; a started unit counts, so any mail shows as used. */
  public long storageKib() {
    return (bytes + 1023) / 1024;
  }
}
