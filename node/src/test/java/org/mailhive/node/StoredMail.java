package org.mailhive.node;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Reads what a user's INBOX holds, over IMAP with Jakarta Mail: the messages as stored, byte for byte. */
final class StoredMail {
  private StoredMail() {}

  static List<String> inbox(TestNode node, String user, String password) throws Exception {
    Properties p = new Properties();
    p.put("mail.imap.host", "127.0.0.1");
    p.put("mail.imap.port", String.valueOf(node.imapPort()));
    p.put("mail.imap.timeout", "20000");
    p.put("mail.imap.connectiontimeout", "5000");
    Store store = Session.getInstance(p).getStore("imap");
    store.connect(user, password);
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      List<String> messages = new ArrayList<>();
      for (Message m : inbox.getMessages()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        messages.add(out.toString(StandardCharsets.UTF_8));
      }
      inbox.close(false);
      return messages;
    } finally {
      store.close();
    }
  }

  /** The one stored message that contains the marker; fails if there is none or more than one. */
  static String withMarker(TestNode node, String user, String password, String marker) throws Exception {
    List<String> found = inbox(node, user, password).stream().filter(m -> m.contains(marker)).toList();
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " messages contain " + marker + " for " + user);
    }
    return found.get(0);
  }
}
