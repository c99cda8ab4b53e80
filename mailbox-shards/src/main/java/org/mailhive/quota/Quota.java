package org.mailhive.quota;

import org.mailhive.directory.DirectoryEntry;

/**
 * A user's limits, as the directory keeps them: {@code maxBytes} of storage (the sum of RFC822.SIZE) and
 * {@code maxMessages}; 0 means no limit on that resource. The arithmetic that decides admission and the warning
 * lives here, apart from how usage is read, so it can be tested on its own.
 */
public record Quota(long maxBytes, long maxMessages) {
  public static final Quota UNLIMITED = new Quota(0, 0);

  public static Quota of(DirectoryEntry.User user) {
    return new Quota(user.quotaBytes(), user.quotaMessages());
  }

  public boolean limited() {
    return maxBytes > 0 || maxMessages > 0;
  }

  /**
   * Whether a message of {@code bytes} octets (or {@code messages} of them, for COPY) still fits. A message of
   * unknown size counts as one octet, so a mailbox that is exactly full takes nothing more (RCPT without SIZE=).
   */
  public boolean admits(Usage usage, long bytes, long messages) {
    boolean bytesFit = maxBytes <= 0 || usage.bytes() + Math.max(bytes, 1) <= maxBytes;
    boolean messagesFit = maxMessages <= 0 || usage.messages() + Math.max(messages, 1) <= maxMessages;
    return bytesFit && messagesFit;
  }

  /** Whether usage is at or above {@code percent} of either limit (the warning level). */
  public boolean atWarningLevel(Usage usage, int percent) {
    return (maxBytes > 0 && usage.bytes() * 100 >= maxBytes * percent)
        || (maxMessages > 0 && usage.messages() * 100 >= maxMessages * percent);
  }

  /** RFC 9208 §5.1: the STORAGE limit in units of 1024 octets (rounded down: the limit is never overstated). */
  public long storageKib() {
    return maxBytes / 1024;
  }
}
