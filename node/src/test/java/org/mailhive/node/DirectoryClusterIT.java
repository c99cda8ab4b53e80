package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.node.admin.AdminCli;

/**
 * Issue #5 acceptance 5: a two-node cluster (processes on 127.0.0.1 and 127.0.0.2). Changes made with
 * mailhive-admin against node A are seen by RCPT checks and logins on node B within one second; a user imported
 * from a Dovecot passwd-file with an MD5-CRYPT hash logs in over IMAP and SMTP AUTH on node B.
 */
class DirectoryClusterIT {
  /** The promise: a change is visible on every node within one second of the command returning. */
  private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(1);
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static SSLSocketFactory trustAll;

  @TempDir
  static Path dir;

  private static String host(int i) {
    return "127.0.0." + (i + 1);
  }

  @BeforeAll
  static void startCluster() throws Exception {
    int clusterPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      clusterPort = probe.getLocalPort();
    }
    List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      List<String> args = List.of("-Xmx256m", "-Dmailhive.node.bind-address=" + host(i),
          "-Dmailhive.cluster.port=" + clusterPort,
          "-Dmailhive.cluster.seed-nodes.0=" + host(0) + ":" + clusterPort,
          "-Dmailhive.demo.enabled=off");
      Path data = dir.resolve("node" + (i + 1));
      Path log = dir.resolve("node" + (i + 1) + ".log");
      starting.add(CompletableFuture.supplyAsync(() -> {
        try {
          return NodeProcess.start(data, log, args);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (CompletableFuture<NodeProcess> f : starting) {
      nodes.add(f.get(120, TimeUnit.SECONDS));
    }
    for (int i = 0; i < 2; i++) {
      assertTrue(nodes.get(i).awaitLog("members=2", Duration.ofSeconds(90)),
          "node " + host(i) + " did not see a 2-node cluster; see " + nodes.get(i).log);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      public void checkClientTrusted(X509Certificate[] c, String a) {}
      public void checkServerTrusted(X509Certificate[] c, String a) {}
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    trustAll = ctx.getSocketFactory();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (NodeProcess n : nodes) {
      n.close();
    }
  }

  /** Runs mailhive-admin against node A's admin port; returns its output and asserts the exit code. */
  private static String admin(int expectedExit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("--url", "http://" + host(0) + ":" + nodes.get(0).port("admin")));
    all.addAll(List.of(args));
    int code = AdminCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    assertEquals(expectedExit, code, String.join(" ", args) + "\nout: " + out + "\nerr: " + err);
    return out + err.toString();
  }

  private static String rcptOnB(String rcpt) throws Exception {
    try (LineClient smtp = new LineClient(host(1), nodes.get(1).port("smtp"))) {
      smtp.smtpReply();
      smtp.smtp("EHLO client.example.org");
      smtp.smtp("MAIL FROM:<sender@remote.example>");
      return smtp.smtp("RCPT TO:<" + rcpt + ">");
    }
  }

  private static boolean imapLoginOnB(String user, String password) throws Exception {
    try (LineClient imap = new LineClient(host(1), nodes.get(1).port("imap"))) {
      imap.line();
      return LineClient.last(imap.imap("l", "LOGIN " + user + " \"" + password + "\"")).startsWith("l OK");
    }
  }

  private static String smtpAuthOnB(String user, String password) throws Exception {
    try (SmtpClient c = SmtpClient.implicitTls(host(1), nodes.get(1).port("submissions"), trustAll)) {
      c.greet("EHLO");
      return c.authPlain(user, password);
    }
  }

  /** Polls until the check holds, for at most VISIBLE_WITHIN after the admin command returned. */
  private static void seenOnBWithinOneSecond(String what, Callable<Boolean> check) throws Exception {
    long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
    while (!check.call()) {
      assertTrue(System.nanoTime() < deadline, what + " not seen on node B within " + VISIBLE_WITHIN);
      Thread.onSpinWait();
    }
  }

  @Test
  void changesMadeWithTheCommandLineOnNodeAAreSeenByRcptAndLoginOnNodeBWithinOneSecond() throws Exception {
    assertTrue(rcptOnB("alice@example.org").startsWith("554 5.7.1"), "example.org is not ours yet");
    assertFalse(admin(0, "domain", "add", "example.org", "--primary").contains("still"));
    admin(0, "user", "add", "alice@example.org", "--password", "first pw", "--name", "Alice", "--quota", "1G");
    seenOnBWithinOneSecond("alice's RCPT", () -> rcptOnB("alice@example.org").startsWith("250"));
    seenOnBWithinOneSecond("alice's login", () -> imapLoginOnB("alice@example.org", "first pw"));
    assertTrue(rcptOnB("nobody@example.org").startsWith("550 5.1.1"));

    admin(0, "user", "passwd", "alice@example.org", "--password", "second pw");
    seenOnBWithinOneSecond("the new password", () -> imapLoginOnB("alice@example.org", "second pw"));
    assertFalse(imapLoginOnB("alice@example.org", "first pw"));

    admin(0, "alias", "add", "pr@example.org", "alice@example.org");
    seenOnBWithinOneSecond("the alias", () -> rcptOnB("pr@example.org").startsWith("250"));
    admin(0, "list", "create", "team@example.org", "alice@example.org", "pr@example.org");
    seenOnBWithinOneSecond("the list", () -> rcptOnB("team@example.org").startsWith("250"));

    admin(0, "user", "set", "alice@example.org", "--no-active");
    seenOnBWithinOneSecond("alice inactive", () -> rcptOnB("alice@example.org").startsWith("550 5.2.1"));
    assertFalse(imapLoginOnB("alice@example.org", "second pw"));
    assertTrue(admin(0, "user", "show", "alice@example.org").contains("\"quotaBytes\" : 1073741824"));

    admin(0, "user", "delete", "alice@example.org");
    seenOnBWithinOneSecond("alice deleted", () -> rcptOnB("alice@example.org").startsWith("550 5.1.1"));
  }

  @Test
  void anImportedPasswdFileUserWithAnMd5CryptHashLogsInOverImapAndSmtpAuthOnTheOtherNode() throws Exception {
    Path passwd = dir.resolve("passwd");
    Files.writeString(passwd, """
        legacy@imported.example:{MD5-CRYPT}$1$caea3837$gPafod/Do/8Jj5M9HehhM.:5000:5000:Legacy User:/var/vmail/legacy::
        bare:$1$caea3837$gPafod/Do/8Jj5M9HehhM.:5000:5000::/var/vmail/bare::
        """, StandardCharsets.UTF_8);
    String out = admin(0, "import", "passwd-file", passwd.toString(), "--default-domain", "imported.example");
    assertTrue(out.contains("imported 2 users"), out);
    seenOnBWithinOneSecond("the imported user", () -> imapLoginOnB("legacy@imported.example", "secret"));
    assertTrue(imapLoginOnB("bare@imported.example", "secret"));
    assertFalse(imapLoginOnB("legacy@imported.example", "Secret"));
    assertTrue(smtpAuthOnB("legacy@imported.example", "secret").startsWith("235 2.7.0"));
    assertTrue(smtpAuthOnB("legacy@imported.example", "wrong").startsWith("535 5.7.8"));

    Path aliases = dir.resolve("aliases");
    Files.writeString(aliases, "postmaster: legacy\nstaff: legacy, bare\n", StandardCharsets.UTF_8);
    assertTrue(admin(0, "import", "aliases", aliases.toString(), "--default-domain", "imported.example")
        .contains("imported 0 users, 1 aliases, 1 lists"));
    seenOnBWithinOneSecond("the imported list", () -> rcptOnB("staff@imported.example").startsWith("250"));
  }

  @Test
  void badInputGetsAClearErrorAndEveryCommandHasHelp() {
    assertTrue(admin(2, "user", "add", "not-an-address", "--password", "x").contains("not a valid address"));
    assertTrue(admin(2, "user", "add", "x@example.org").contains("needs --password"));
    assertTrue(admin(2, "quota", "x@example.org", "--storage", "lots").contains("not a size"));
    assertTrue(admin(4, "user", "show", "ghost@example.org").contains("no such user"));
    assertTrue(admin(2, "domain", "add", "bad domain!").contains("not a valid domain"));
    assertTrue(admin(2, "user", "frobnicate").contains("Unmatched argument"));
    for (String[] cmd : new String[][] {{"user", "add"}, {"user", "passwd"}, {"domain", "add"}, {"alias", "add"},
        {"list", "create"}, {"quota"}, {"import", "passwd-file"}, {"import", "aliases"}}) {
      List<String> args = new ArrayList<>(List.of(cmd));
      args.add("--help");
      assertTrue(admin(0, args.toArray(String[]::new)).contains("Usage: mailhive-admin"), String.join(" ", cmd));
    }
  }
}
