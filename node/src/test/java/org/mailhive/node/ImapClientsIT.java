package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** IMAP with real clients: Python's imaplib for the everyday commands, Jakarta Mail for IDLE. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapClientsIT {
  // One user per test, so that the tests do not see each other's messages whatever their order.
  private static final String PY_USER = "imaplib@localhost";
  private static final String IDLE_USER = "idle@localhost";
  private static final String PASSWORD = "client-test-password";
  TestNode node;
  Path dir;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    node = TestNode.start(dir, java.util.Map.of(), java.util.Map.of(PY_USER, PASSWORD, IDLE_USER, PASSWORD));
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  @Test
  void imaplibLogsInSearchesFetchesStoresAndExpunges() throws Exception {
    Path message = dir.resolve("template.eml");
    Files.writeString(message, "From: a@example.org\r\nTo: demo@localhost\r\nSubject: SUBJECT\r\n\r\nHello.\r\n");
    Path script = Path.of(getClass().getResource("/clients/imap_session.py").toURI());
    Process p = new ProcessBuilder("python3", script.toString(), "127.0.0.1", String.valueOf(node.imapPort()),
        PY_USER, PASSWORD, message.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "imaplib timed out");
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.lines().toList();
    assertEquals(List.of("login OK", "append OK", "append OK", "append OK", "select OK 3", "search OK 2",
        "fetch-subject OK Subject: beta", "fetch-identical True",
        "store OK 2 (FLAGS (\\Deleted \\Recent \\Seen))", "expunge OK 2", "remaining OK 1 2", "search-after OK ", "logout BYE"),
        lines, out);
  }

  @Test
  void jakartaMailIdleReceivesTheNewMailPushAfterTheSmtp250() throws Exception {
    Session session = Session.getInstance(node.mailProperties());
    CountDownLatch idling = new CountDownLatch(1);
    // The protocol trace tells us when the server has answered IDLE with "+ idling", so the message is sent
    // while the client really idles (not before, when the EXISTS would come with the IDLE's start).
    session.setDebug(true);
    session.setDebugOut(new PrintStream(new OutputStream() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(int b) {
        if (b == '\n') {
          if (line.toString().startsWith("+ idling")) {
            idling.countDown();
          }
          line.setLength(0);
        } else {
          line.append((char) b);
        }
      }
    }, true));
    try (Store store = session.getStore("imap")) {
      store.connect(IDLE_USER, PASSWORD);
      IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
      inbox.open(Folder.READ_WRITE);
      CompletableFuture<Long> pushed = new CompletableFuture<>();
      inbox.addMessageCountListener(new MessageCountAdapter() {
        @Override
        public void messagesAdded(MessageCountEvent e) {
          pushed.complete(System.nanoTime());
        }
      });
      Thread idler = new Thread(() -> {
        try {
          while (!pushed.isDone()) {
            inbox.idle(true);
          }
        } catch (Exception e) {
          pushed.completeExceptionally(e);
        }
      }, "imap-idle");
      idler.setDaemon(true);
      idler.start();
      assertTrue(idling.await(30, TimeUnit.SECONDS), "the client never entered IDLE");
      long accepted;
      try (SmtpClient smtp = SmtpClient.plain(node.smtpPort())) {
        smtp.reply();
        smtp.cmd("EHLO client.example.org");
        assertTrue(smtp.cmd("MAIL FROM:<a@example.org>").startsWith("250"));
        assertTrue(smtp.cmd("RCPT TO:<" + IDLE_USER + ">").startsWith("250"));
        assertTrue(smtp.cmd("DATA").startsWith("354"));
        assertTrue(smtp.cmd("Subject: idle push\r\n\r\nwake up\r\n.").startsWith("250"));
        accepted = System.nanoTime();
      }
      long at = pushed.get(30, TimeUnit.SECONDS);
      // Measured, not asserted (no wall-clock limits in tests). Negative means the push reached the IMAP client
      // before the 250 reached the SMTP client: the mailbox notifies its sessions as soon as the append is durable.
      System.out.printf("imap_idle_push delay_ms=%.1f (SMTP 250 read by the client -> Jakarta Mail messagesAdded)%n",
          (at - accepted) / 1e6);
      assertEquals(1, inbox.getMessageCount());
      idler.join(TimeUnit.SECONDS.toMillis(30));
    }
  }
}
