package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * mbsync (Debian's isync) against our IMAP: syncs a mailbox down to a local Maildir with its flags, then pushes
 * messages written into the Maildir and flags changed there back up, and checks the server's side.
 *
 * <p>The suite runs issue #4's acceptance value, 2,000 messages; {@code -Dmailhive.mbsync.messages=N} changes it
 * (e.g. {@code mvn -B -o verify -pl node -am -Dit.test=MbsyncIT -Dmailhive.mbsync.messages=300} for a quick run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MbsyncIT {
  private static final String USER = "mbsync@localhost";
  private static final String PASSWORD = "mbsync-test-password";
  private static final int MESSAGES = Integer.getInteger("mailhive.mbsync.messages", 2000);
  private static final int LOCAL_NEW = 5;
  private static final int SEED_CONNECTIONS = 4;

  TestNode node;
  Path dir;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v mbsync").start().waitFor() == 0,
        "mbsync is not installed; run scripts/install-test-deps");
    this.dir = dir;
    node = TestNode.start(dir.resolve("node"), Map.of(), Map.of(USER, PASSWORD));
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  private static String message(int i) {
    return "From: sender" + i + "@example.org\r\nTo: " + USER + "\r\nSubject: message " + i
        + "\r\nMessage-ID: <m" + i + "@example.org>\r\n\r\nBody of message " + i + ".\r\n";
  }

  /** Server-side flags of message i as seeded: every 3rd seen, every 5th flagged. */
  private static String flags(int i) {
    List<String> f = new ArrayList<>();
    if (i % 3 == 0) {
      f.add("\\Seen");
    }
    if (i % 5 == 0) {
      f.add("\\Flagged");
    }
    return String.join(" ", f);
  }

  /**
   * Pipelined APPENDs with non-synchronising literals (RFC 7888) on {@link #SEED_CONNECTIONS} connections at once
   * (each session runs its APPENDs one after another, waiting for each to be durable); a second thread per
   * connection reads the tagged replies. Message i goes over connection i % SEED_CONNECTIONS.
   */
  private void seed() throws Exception {
    // Two blocking threads per connection (writer and reader): its own pool, not the JDK's small common pool.
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      seed(threads);
    } finally {
      threads.shutdownNow();
    }
  }

  private void seed(ExecutorService threads) throws Exception {
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int c = 0; c < SEED_CONNECTIONS; c++) {
      int conn = c;
      all.add(CompletableFuture.supplyAsync(() -> {
        try (LineClient imap = new LineClient(node.imapPort())) {
          imap.line();
          assertTrue(LineClient.last(imap.imap("a", "LOGIN " + USER + " " + PASSWORD)).startsWith("a OK"));
          return seedOver(imap, conn, threads);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, threads));
    }
    int ok = 0;
    for (CompletableFuture<Integer> f : all) {
      ok += f.get(600, TimeUnit.SECONDS);
    }
    assertEquals(MESSAGES, ok);
  }

  private int seedOver(LineClient imap, int conn, ExecutorService threads) throws Exception {
    int expected = 0;
    for (int i = 1; i <= MESSAGES; i++) {
      if (i % SEED_CONNECTIONS == conn) {
        expected++;
      }
    }
    int replies = expected;
    CompletableFuture<Integer> oks = CompletableFuture.supplyAsync(() -> {
      int ok = 0;
      try {
        for (int n = 0; n < replies; n++) {
          String l;
          do {
            l = imap.line();
          } while (l != null && !l.startsWith("s"));
          if (l != null && l.contains(" OK ")) {
            ok++;
          }
        }
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
      return ok;
    }, threads);
    StringBuilder batch = new StringBuilder();
    for (int i = 1; i <= MESSAGES; i++) {
      if (i % SEED_CONNECTIONS != conn) {
        continue;
      }
      String m = message(i);
      batch.append("s").append(i).append(" APPEND INBOX (").append(flags(i)).append(") {")
          .append(m.getBytes(StandardCharsets.UTF_8).length).append("+}\r\n").append(m).append("\r\n");
      if (batch.length() > 32_000) {
        imap.send(batch.toString());
        batch.setLength(0);
      }
    }
    imap.send(batch.toString());
    return oks.get(600, TimeUnit.SECONDS);
  }

  private record Result(int exit, String out) {}

  private Result mbsync(Path rc) throws Exception {
    Process p = new ProcessBuilder("mbsync", "-c", rc.toString(), "-a").redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "mbsync timed out");
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static List<Path> maildirFiles(Path inbox) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String sub : List.of("cur", "new")) {
      try (Stream<Path> s = Files.list(inbox.resolve(sub))) {
        s.forEach(files::add);
      }
    }
    return files;
  }

  private static String maildirFlags(Path file) {
    String name = file.getFileName().toString();
    int i = name.indexOf(":2,");
    return i < 0 ? "" : name.substring(i + 3);
  }

  private static int count(List<String> searchReply) {
    String line = searchReply.stream().filter(l -> l.startsWith("* SEARCH")).findFirst().orElse("* SEARCH");
    String rest = line.substring("* SEARCH".length()).trim();
    return rest.isEmpty() ? 0 : rest.split(" ").length;
  }

  @Test
  void syncsTheMailboxDownAndLocalChangesBackUpWithFlags() throws Exception {
    long t0 = System.nanoTime();
    seed();
    long t1 = System.nanoTime();
    Path maildir = dir.resolve("Maildir");
    Path inbox = maildir.resolve("INBOX");
    Files.createDirectories(maildir);
    Path rc = dir.resolve("mbsyncrc");
    Files.writeString(rc, String.join("\n",
        "IMAPAccount hive", "Host 127.0.0.1", "Port " + node.imapPort(), "User " + USER, "Pass " + PASSWORD,
        "SSLType None", "AuthMechs LOGIN", "Timeout 120", "",
        "IMAPStore hive-remote", "Account hive", "",
        "MaildirStore local", "Path " + maildir + "/", "Inbox " + inbox, "",
        "Channel inbox", "Far :hive-remote:INBOX", "Near :local:INBOX", "Sync All", "Create Near",
        "SyncState *", ""));
    Result down = mbsync(rc);
    long t2 = System.nanoTime();
    assertEquals(0, down.exit(), down.out());
    List<Path> files = maildirFiles(inbox);
    assertEquals(MESSAGES, files.size(), down.out());
    long seen = files.stream().filter(f -> maildirFlags(f).contains("S")).count();
    long flagged = files.stream().filter(f -> maildirFlags(f).contains("F")).count();
    assertEquals(MESSAGES / 3, seen, "\\Seen arrives as S");
    assertEquals(MESSAGES / 5, flagged, "\\Flagged arrives as F");

    // Locally: flag every message that is neither seen nor flagged yet, up to 10, and write new messages.
    int newlyFlagged = 0;
    for (Path f : files) {
      String fl = maildirFlags(f);
      if (newlyFlagged < 10 && fl.isEmpty() && f.getFileName().toString().contains(":2,")) {
        String name = f.getFileName().toString();
        Files.move(f, f.resolveSibling(name + "F"));
        newlyFlagged++;
      }
    }
    for (int i = 0; i < LOCAL_NEW; i++) {
      Files.writeString(inbox.resolve("new").resolve("local" + i + ".mhive"),
          "From: me@localhost\r\nSubject: written locally " + i + "\r\n\r\nlocal body " + i + "\r\n");
    }
    Result up = mbsync(rc);
    long t3 = System.nanoTime();
    assertEquals(0, up.exit(), up.out());

    try (LineClient imap = new LineClient(node.imapPort())) {
      imap.line();
      imap.imap("a", "LOGIN " + USER + " " + PASSWORD);
      List<String> select = imap.imap("b", "SELECT INBOX");
      assertTrue(select.contains("* " + (MESSAGES + LOCAL_NEW) + " EXISTS"), select.toString());
      assertEquals(MESSAGES / 5 + newlyFlagged, count(imap.imap("c", "SEARCH FLAGGED")));
      assertEquals(MESSAGES / 3, count(imap.imap("d", "SEARCH SEEN")));
      assertEquals(LOCAL_NEW, count(imap.imap("e", "SEARCH SUBJECT \"written locally\"")));
    }
    System.out.printf("mbsync messages=%d seed_ms=%d down_ms=%d up_ms=%d%n", MESSAGES,
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
  }
}
