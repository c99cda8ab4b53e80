package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Mail in over SMTP and out over IMAP with Jakarta Mail on both ends, plaintext and with STARTTLS / TLS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailRoundTripIT {
  TestNode node;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = TestNode.start(dir);
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  private static final String TEXT = "First line\r\n.A line that starts with a dot\r\n..two dots\r\n"
      + "Non-ASCII: \u00e9t\u00e9 \u2603\r\n" + "x".repeat(900) + "\r\n.\r\nlast line\r\n";

  private MimeMessage textMessage(Session session, String subject) throws Exception {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress("sender@example.org"));
    m.setRecipients(Message.RecipientType.TO, "demo@localhost");
    m.setSubject(subject);
    m.setText(TEXT, "UTF-8");
    m.saveChanges();
    return m;
  }

  private Message find(Folder inbox, String subject) throws Exception {
    for (Message m : inbox.getMessages()) {
      if (subject.equals(m.getSubject())) {
        return m;
      }
    }
    throw new AssertionError("no message with subject " + subject);
  }

  private static byte[] raw(Message m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ((IMAPMessage) m).getRawInputStream().transferTo(out);
    return out.toByteArray();
  }

  /** The message exactly as Jakarta Mail put it on the wire (Transport.send writes it the same way). */
  private static byte[] wire(Message m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    return out.toByteArray();
  }

  /** The body of a wire-format message: everything after the first empty line. */
  private static byte[] body(byte[] wire) {
    String s = new String(wire, StandardCharsets.ISO_8859_1);
    return s.substring(s.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** What we stored is what was sent, with only our trace headers (Return-Path, Received) in front. */
  private static void assertStoredAsSent(Message sent, Message got) throws Exception {
    byte[] s = wire(sent);
    byte[] g = wire(got);
    assertArrayEquals(body(s), raw(got), "body bytes differ");
    String stored = new String(g, StandardCharsets.ISO_8859_1);
    assertTrue(stored.startsWith("Return-Path: <sender@example.org>\r\nReceived: "), stored);
    assertArrayEquals(s, java.util.Arrays.copyOfRange(g, g.length - s.length, g.length), "message bytes differ");
  }

  @Test
  void messageSentOverSmtpIsReadBackOverImapByteIdentical() throws Exception {
    Session session = Session.getInstance(node.mailProperties());
    MimeMessage sent = textMessage(session, "round trip plain");
    Transport.send(sent);

    try (Store store = session.getStore("imap")) {
      store.connect("demo@localhost", node.password());
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      Message got = find(inbox, "round trip plain");
      assertStoredAsSent(sent, got);
      assertEquals(TEXT, got.getContent());
      assertEquals("sender@example.org", ((InternetAddress) got.getFrom()[0]).getAddress());
      assertTrue(((UIDFolder) inbox).getUID(got) > 0);
      got.setFlag(Flags.Flag.FLAGGED, true);
      inbox.close(false);
      inbox.open(Folder.READ_ONLY);
      assertTrue(find(inbox, "round trip plain").isSet(Flags.Flag.FLAGGED));
      inbox.close(false);
    }
  }

  @Test
  void binaryAttachmentSurvivesTheRoundTrip() throws Exception {
    Session session = Session.getInstance(node.mailProperties());
    byte[] payload = new byte[300_000];
    new Random(42).nextBytes(payload);
    MimeMessage sent = new MimeMessage(session);
    sent.setFrom(new InternetAddress("sender@example.org"));
    sent.setRecipients(Message.RecipientType.TO, "demo@localhost");
    sent.setSubject("attachment");
    MimeBodyPart text = new MimeBodyPart();
    text.setText("see attachment", "UTF-8");
    MimeBodyPart file = new MimeBodyPart();
    file.setDataHandler(new jakarta.activation.DataHandler(new ByteArrayDataSource(payload, "application/octet-stream")));
    file.setFileName("random.bin");
    sent.setContent(new MimeMultipart(text, file));
    sent.saveChanges();
    Transport.send(sent);

    try (Store store = session.getStore("imap")) {
      store.connect("demo@localhost", node.password());
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Message got = find(inbox, "attachment");
      Multipart mp = (Multipart) got.getContent();
      assertEquals(2, mp.getCount());
      assertEquals("random.bin", mp.getBodyPart(1).getFileName());
      assertArrayEquals(payload, mp.getBodyPart(1).getInputStream().readAllBytes());
      inbox.close(false);
    }
  }

  @Test
  void starttlsOnSmtpAndImapWithAClientThatTrustsTheGeneratedCertificate() throws Exception {
    Properties p = node.mailProperties();
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.ssl.socketFactory", node.trustingSocketFactory());
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    p.put("mail.imap.starttls.enable", "true");
    p.put("mail.imap.starttls.required", "true");
    p.put("mail.imap.ssl.socketFactory", node.trustingSocketFactory());
    p.put("mail.imap.ssl.checkserveridentity", "true");
    Session session = Session.getInstance(p);
    MimeMessage sent = textMessage(session, "over starttls");
    Transport.send(sent);

    try (Store store = session.getStore("imap")) {
      store.connect("demo@localhost", node.password());
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Message got = find(inbox, "over starttls");
      assertStoredAsSent(sent, got);
      assertTrue(new String(raw(got), StandardCharsets.UTF_8).contains("last line"));
      // the Received line records that the message came in over TLS
      assertTrue(got.getHeader("Received")[0].contains("with ESMTPS"), got.getHeader("Received")[0]);
      inbox.close(false);
    }
  }

  @Test
  void implicitTlsImapPortServesTheSameMailbox() throws Exception {
    Session plain = Session.getInstance(node.mailProperties());
    Transport.send(textMessage(plain, "for imaps"));
    Properties p = node.mailProperties();
    p.put("mail.imaps.host", "127.0.0.1");
    p.put("mail.imaps.port", String.valueOf(node.imapsPort()));
    p.put("mail.imaps.ssl.socketFactory", node.trustingSocketFactory());
    p.put("mail.imaps.timeout", "20000");
    Session session = Session.getInstance(p);
    try (Store store = session.getStore("imaps")) {
      store.connect("demo@localhost", node.password());
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertEquals(TEXT, find(inbox, "for imaps").getContent());
      inbox.close(false);
    }
  }
}
