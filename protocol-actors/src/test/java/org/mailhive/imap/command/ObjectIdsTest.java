package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.mailhive.mailbox.MessageMeta;
import org.mailhive.shard.MailboxAddress;

class ObjectIdsTest {
  private static final String OBJECTID = "[A-Za-z0-9_-]{1,255}"; // RFC 8474 §4

  private static MessageMeta meta(String blob) {
    return new MessageMeta(1, 1, List.of(), 10, 0, blob, "NIL", "NIL", "NIL");
  }

  private static ByteString message(String headers) {
    return ByteString.fromString(headers + "\r\nbody\r\n", StandardCharsets.US_ASCII);
  }

  @Test
  void mailboxIdsUseOnlyObjectIdCharactersAndDifferPerUserAndMailbox() {
    String a = ObjectIds.mailboxId(new MailboxAddress("alice@example.org", "INBOX"));
    assertTrue(a.matches(OBJECTID), a);
    assertEquals(a, ObjectIds.mailboxId(new MailboxAddress("alice@example.org", "INBOX")));
    assertNotEquals(a, ObjectIds.mailboxId(new MailboxAddress("bob@example.org", "INBOX")));
    assertNotEquals(a, ObjectIds.mailboxId(new MailboxAddress("alice@example.org", "m1")));
  }

  @Test
  void theThreadRootIsTheFirstReferenceThenInReplyToThenTheMessagesOwnId() {
    assertEquals("<root@x>", ObjectIds.threadRoot(
        "Message-ID: <c@x>\r\nIn-Reply-To: <b@x>\r\nReferences: <root@x>\r\n <b@x>\r\n"));
    assertEquals("<root@x>", ObjectIds.threadRoot("references:\r\n\t<root@x> <b@x>\r\nMessage-Id: <c@x>\r\n"));
    assertEquals("<b@x>", ObjectIds.threadRoot("Message-ID: <c@x>\r\nIn-Reply-To: Bob's message <b@x>\r\n"));
    assertEquals("<c@x>", ObjectIds.threadRoot("Message-ID: <c@x>\r\n"));
    assertNull(ObjectIds.threadRoot(""));
  }

  @Test
  void aReplySharesItsRootsThreadIdAndAMessageWithoutIdsIsAThreadOfItsOwn() {
    String blob = "ab".repeat(32);
    String root = ObjectIds.threadId(meta(blob), message("Message-ID: <root@x>\r\n"));
    String reply = ObjectIds.threadId(meta("cd".repeat(32)), message("Message-ID: <r@x>\r\nReferences: <root@x>\r\n"));
    assertEquals(root, reply);
    assertTrue(root.matches(OBJECTID), root);
    String lone = ObjectIds.threadId(meta(blob), message("Subject: nothing\r\n"));
    assertTrue(lone.matches(OBJECTID), lone);
    assertNotEquals(root, lone);
    assertEquals("M" + blob.substring(0, 24), ObjectIds.emailId(meta(blob)));
  }
}
