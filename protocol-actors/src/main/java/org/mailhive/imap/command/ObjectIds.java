package org.mailhive.imap.command;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.util.ByteString;
import org.mailhive.mailbox.MessageMeta;
import org.mailhive.shard.MailboxAddress;

/**
 * OBJECTID (RFC 8474): the ids a client may key its cache on. Each is derived from something already persisted,
 * so none needs state of its own, and all use only the characters of RFC 8474 §4's {@code objectid}
 * (ALPHA, DIGIT, "_", "-"):
 * <ul>
 *   <li>MAILBOXID: "F" and a hash of the mailbox entity's id (user and the account's mailbox id). The account keeps
 *       the mailbox id through RENAME and never reuses it, so the id survives renames and restarts, and a mailbox
 *       deleted and created again under the same name gets a new one (§4.1). Hashing keeps the user name out of it
 *       and makes it unique across users.</li>
 *   <li>EMAILID: "M" and the first 96 bits of the content-addressed blob id (SHA-256 of the message): the same in
 *       every copy of a message (COPY, MOVE, §5.1), and the same for identical bytes delivered twice, as Cyrus,
 *       whose ids are content hashes too, does.</li>
 *   <li>THREADID: "T" and a hash of the thread's root message-id: the first msg-id of References (RFC 5322 §3.6.4
 *       puts the root first), else In-Reply-To, else the message's own Message-ID. Messages that reply to a common
 *       root share it. Without any of those headers the message is a thread of its own. This reads the header, so
 *       FETCH THREADID loads the message.</li>
 * </ul>
 */
public final class ObjectIds {
  private ObjectIds() {}

  public static final String CAPABILITY = "OBJECTID";
  /** The header fields the thread root is found in, in the order they are tried. */
  static final List<String> THREAD_FIELDS = List.of("REFERENCES", "IN-REPLY-TO", "MESSAGE-ID");
  private static final FetchCommand.Section THREAD_HEADERS =
      new FetchCommand.Section("", "", "HEADER.FIELDS", THREAD_FIELDS, true, -1, -1);
  private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]*>");
  private static final Pattern FIELD = Pattern.compile("(?im)^([A-Za-z-]+):((?:[^\\r\\n]|\\r?\\n[ \\t])*)");

  public static String mailboxId(MailboxAddress address) {
    return "F" + hash(address.entityId(), 18);
  }

  public static String emailId(MessageMeta m) {
    return "M" + m.blobId().substring(0, 24);
  }

  /** The THREADID of the message whose bytes are {@code message}. */
  public static String threadId(MessageMeta m, ByteString message) {
    String root = message == null ? null : threadRoot(BodySections.extract(message, THREAD_HEADERS).utf8String());
    return "T" + (root == null ? m.blobId().substring(0, 24) : hash(root, 18));
  }

  /** The first msg-id of the first of {@link #THREAD_FIELDS} that has one, from the header lines given. */
  static String threadRoot(String headers) {
    for (String wanted : THREAD_FIELDS) {
      Matcher f = FIELD.matcher(headers);
      while (f.find()) {
        if (f.group(1).equalsIgnoreCase(wanted)) {
          Matcher id = MSG_ID.matcher(f.group(2));
          if (id.find()) {
            return id.group();
          }
        }
      }
    }
    return null;
  }

  /** The FETCH items: {@code EMAILID (id)}, {@code THREADID (id)} (RFC 8474 §5). */
  public static String emailIdItem(MessageMeta m) {
    return "EMAILID (" + emailId(m) + ")";
  }

  public static String threadIdItem(MessageMeta m, ByteString message) {
    return "THREADID (" + threadId(m, message) + ")";
  }

  /** The response code of SELECT, EXAMINE and CREATE (RFC 8474 §4.1, §4.2). */
  public static String mailboxIdCode(MailboxAddress address) {
    return "[MAILBOXID (" + mailboxId(address) + ")]";
  }

  // base64url without padding: its alphabet is exactly objectid's; 18 bytes give 24 characters.
  private static String hash(String text, int bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
