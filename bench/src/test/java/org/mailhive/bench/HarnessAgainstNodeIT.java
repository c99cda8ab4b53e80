package org.mailhive.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The harness itself, checked against a real server (our node as a child process): its counts add up, its
 * verification agrees with the server's mailbox, and it reports loss when a server acknowledges and drops mail.
 * Runs are tiny (tens of messages, a few hundred commands) so the suite stays fast.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HarnessAgainstNodeIT {
  private static final String DEMO = "demo@localhost";
  private NodeUnderTest node;
  private Path work;

  @BeforeAll
  void startNode() throws Exception {
    work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-it-");
    node = NodeUnderTest.start(work.resolve("data"));
  }

  @AfterAll
  void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  private int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  private RunResult result(Path json) throws Exception {
    return ResultFiles.readJson(json);
  }

  @Test
  void everyMessageSentIsAcceptedRejectedOrFailedAndEveryAcceptedOneIsInTheMailbox(@TempDir Path dir)
      throws Exception {
    Path json = dir.resolve("smtp.json");
    int exit = run("smtp", "--smtp-port", "" + node.port("smtp"), "--imap-port", "" + node.port("imap"),
        "--user", DEMO, "--password-file", node.passwordFile().toString(), "--messages", "40", "--concurrency", "4",
        "--sizes", "1k=50,8k=50", "--messages-per-connection", "7", "--verify", "--out", json.toString());
    assertEquals(0, exit);
    RunResult r = result(json);
    assertEquals(40, r.count("sent"));
    assertEquals(r.count("sent"), r.count("accepted") + r.count("rejected") + r.count("failed"));
    assertEquals(40, r.count("accepted"));
    assertEquals(r.count("accepted"), r.count("delivered"));
    assertEquals(0, r.count("lost"));
    assertEquals(0, r.count("unexpected"));
    CommandStats message = r.commands().stream().filter(c -> c.command().equals("MESSAGE")).findFirst().orElseThrow();
    assertEquals(r.count("accepted"), message.count());
    // 40 messages at 7 per connection over 4 workers: at least 40/7 connections, each opened with EHLO
    CommandStats ehlo = r.commands().stream().filter(c -> c.command().equals("EHLO")).findFirst().orElseThrow();
    assertTrue(ehlo.count() >= 6, "EHLO count " + ehlo.count());
    assertTrue(Files.size(dir.resolve("smtp.png")) > 0);
    assertEquals((byte) 0x89, Files.readAllBytes(dir.resolve("smtp.png"))[0], "a PNG file");
  }

  @Test
  void thePop3ScenarioCountsSessionsRetrievalsAndDeletionsTheServerConfirmed(@TempDir Path dir) throws Exception {
    // At least five messages in the mailbox, whatever ran before.
    assertEquals(0, run("smtp", "--smtp-port", "" + node.port("smtp"), "--user", DEMO, "--password-file",
        node.passwordFile().toString(), "--messages", "5", "--concurrency", "1", "--out",
        dir.resolve("fill.json").toString()));
    Path json = dir.resolve("pop3.json");
    assertEquals(0, run("pop3", "--pop3-port", "" + node.port("pop3"), "--user", DEMO, "--password-file",
        node.passwordFile().toString(), "--clients", "2", "--sessions", "6", "--retrieves", "3",
        "--out", json.toString()));
    RunResult r = result(json);
    assertEquals(6, r.count("sessions"));
    assertEquals(18, r.count("retrieved"));
    assertEquals(0, r.count("deleted"));
    assertEquals(0, r.count("errors"), r.errors().toString());
    assertEquals(18, r.commands().stream().filter(c -> c.command().equals("RETR")).findFirst().orElseThrow().count());
    assertEquals(6, r.commands().stream().filter(c -> c.command().equals("QUIT")).findFirst().orElseThrow().count());

    Path deleting = dir.resolve("pop3-dele.json");
    assertEquals(0, run("pop3", "--pop3-port", "" + node.port("pop3"), "--user", DEMO, "--password-file",
        node.passwordFile().toString(), "--clients", "1", "--sessions", "1", "--retrieves", "2",
        "--delete-percent", "100", "--out", deleting.toString()));
    RunResult d = result(deleting);
    assertEquals(2, d.count("deleted"));
    assertEquals(0, d.count("errors"), d.errors().toString());
  }

  @Test
  void chaosModeAuditsEveryAcknowledgedMessageByItsMessageIdAndRunsTheSchedule(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("chaos.json");
    Path marker = dir.resolve("ran");
    int exit = run("chaos", "--smtp-port", "" + node.port("smtp"), "--imap-port", "" + node.port("imap"),
        "--targets", "127.0.0.1:" + node.port("smtp") + ",localhost:" + node.port("smtp"),
        "--user", DEMO, "--password-file", node.passwordFile().toString(), "--messages", "30", "--concurrency", "3",
        "--at", "0s:run:touch " + marker, "--out", json.toString());
    assertEquals(0, exit);
    RunResult r = result(json);
    assertEquals(30, r.count("accepted"));
    assertEquals(30, r.count("found"));
    assertEquals(0, r.count("lost"));
    assertEquals(0, r.count("duplicated"));
    assertEquals(1, r.count("chaos_events"));
    assertEquals(0, r.count("chaos_failed_events"));
    assertTrue(Files.exists(marker), "the scheduled command ran");
  }

  @Test
  void connectionsRefusedByAStoppedTargetAreCountedApartAndDoNotUseUpTheMessages(@TempDir Path dir)
      throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort(); // nothing listens there once it is closed: a node that is down
    }
    Path json = dir.resolve("chaos-down.json");
    int exit = run("chaos", "--smtp-port", "" + node.port("smtp"), "--imap-port", "" + node.port("imap"),
        "--targets", "127.0.0.1:" + node.port("smtp") + ",127.0.0.1:" + closedPort,
        "--user", DEMO, "--password-file", node.passwordFile().toString(), "--messages", "20", "--concurrency", "2",
        "--at", "0s:run:true", "--out", json.toString());
    assertEquals(0, exit);
    RunResult r = result(json);
    assertEquals(20, r.count("sent"));
    assertEquals(20, r.count("accepted"));
    assertEquals(0, r.count("failed"));
    assertEquals(20, r.count("found"));
    assertTrue(r.count("connect_failed") >= 1, "refused connects " + r.count("connect_failed"));
  }

  @Test
  void chaosModeReportsAcknowledgedMessagesThatNeverArrivedAsLost(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("chaos-dropper.json");
    try (DroppingSmtpServer dropper = new DroppingSmtpServer()) {
      int exit = run("chaos", "--smtp-port", "" + dropper.port(), "--imap-port", "" + node.port("imap"),
          "--user", DEMO, "--password-file", node.passwordFile().toString(), "--messages", "8", "--concurrency", "2",
          "--at", "0s:run:true", "--audit-deadline", "10s", "--out", json.toString());
      assertEquals(Main.EXIT_LOST, exit);
    }
    RunResult r = result(json);
    assertEquals(8, r.count("accepted"));
    assertEquals(8, r.count("lost"));
    assertEquals(0, r.count("found"));
  }

  @Test
  void theAuditCountsAMessageStoredTwiceAsDuplicatedAndAMissingOneAsLost() throws Exception {
    Credentials demo = new Credentials(DEMO, Files.readString(node.passwordFile()).trim());
    String runId = "dup" + System.nanoTime();
    byte[] message = MessageFactory.create(runId, 7, "bench@bench.mailhive", DEMO, 600);
    try (org.mailhive.bench.scenario.IoRuntime io = new org.mailhive.bench.scenario.IoRuntime()) {
      org.mailhive.bench.client.ImapClient c = org.mailhive.bench.client.ImapClient.connect(io.group(),
          new java.net.InetSocketAddress("127.0.0.1", node.port("imap")), java.time.Duration.ofSeconds(10))
          .get(20, java.util.concurrent.TimeUnit.SECONDS);
      try {
        assertTrue(c.login(demo.user(), demo.password()).get(20, java.util.concurrent.TimeUnit.SECONDS).ok());
        assertTrue(c.append("INBOX", "", message).get(20, java.util.concurrent.TimeUnit.SECONDS).ok());
        assertTrue(c.append("INBOX", "", message).get(20, java.util.concurrent.TimeUnit.SECONDS).ok());
      } finally {
        c.close();
      }
      var audit = new org.mailhive.bench.chaos.MessageIdAudit(io,
          new java.net.InetSocketAddress("127.0.0.1", node.port("imap")), java.time.Duration.ofSeconds(10))
          .audit(runId, List.of(demo), List.of(Set.of(7L, 8L)), java.time.Duration.ofSeconds(30));
      assertEquals(2, audit.acknowledged());
      assertEquals(2, audit.found());
      assertEquals(1, audit.duplicated());
      assertEquals(1, audit.lost());
      assertEquals(0, audit.unacknowledgedStored());
    }
  }

  @Test
  void rejectedRecipientsAreCountedAsRejectedWithTheirReplyKind(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("reject.json");
    Path users = Files.writeString(dir.resolve("users"), "nobody@localhost whatever\n");
    int exit = run("smtp", "--smtp-port", "" + node.port("smtp"), "--user", DEMO, "--password-file",
        node.passwordFile().toString(), "--users-file", users.toString(), "--messages", "4", "--concurrency", "2",
        "--out", json.toString());
    assertEquals(0, exit);
    RunResult r = result(json);
    assertEquals(4, r.count("sent"));
    assertEquals(2, r.count("accepted"));
    assertEquals(2, r.count("rejected"));
    assertEquals(0, r.count("failed"));
    assertEquals(Map.of("MESSAGE 5xx", 2L), r.errors());
  }

  @Test
  void aServerThatAcknowledgesAndDropsMessagesIsReportedAsLosingThem(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("dropper.json");
    try (DroppingSmtpServer dropper = new DroppingSmtpServer()) {
      // SMTP to the dropper, verification by IMAP against our node, where the mail should have arrived
      int exit = run("smtp", "--smtp-port", "" + dropper.port(), "--imap-port", "" + node.port("imap"),
          "--user", DEMO, "--password-file", node.passwordFile().toString(), "--messages", "12",
          "--concurrency", "3", "--verify", "--verify-timeout", "1s", "--out", json.toString());
      assertEquals(Main.EXIT_LOST, exit);
      assertEquals(12, dropper.acknowledged.get());
    }
    RunResult r = result(json);
    assertEquals(12, r.count("accepted"));
    assertEquals(0, r.count("delivered"));
    assertEquals(12, r.count("lost"));
  }

  @Test
  void theIdleScenarioHoldsEveryConnectionAndMeasuresTheServerProcessItWasGiven(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("idle.json");
    int exit = run("idle", "--imap-port", "" + node.port("imap"), "--user", DEMO, "--password-file",
        node.passwordFile().toString(), "--connections", "4", "--parallel", "2", "--settle", "0s",
        "--pid", "" + node.pid(), "--out", json.toString());
    assertEquals(0, exit);
    RunResult r = result(json);
    assertEquals(4L, r.count("idle"), r.counts().toString());
    assertEquals(4L, r.count("idleCommand") + r.count("selectedOnly"));
    assertEquals(0L, r.count("failed"));
    assertTrue(r.count("processesAfter") >= 1 && r.count("rssKibAfter") > 0, r.counts().toString());
  }

  @Test
  void theImapMixRunsEveryDefaultCommandWithoutErrorsAndStopsAtTheCommandCount(@TempDir Path dir)
      throws Exception {
    Path json = dir.resolve("imap.json");
    int clients = 3;
    int exit = run("imap", "--imap-port", "" + node.port("imap"), "--user", DEMO, "--password-file",
        node.passwordFile().toString(), "--clients", "" + clients, "--commands", "150", "--append-sizes", "2k",
        "--weights", "logout=25",
        "--out", json.toString());
    assertEquals(0, exit);
    RunResult r = result(json);
    assertEquals(Map.of(), r.errors());
    long commands = r.commands().stream().filter(c -> !c.command().equals("CONNECT")).mapToLong(CommandStats::count)
        .sum();
    // every budgeted command completed; each client may add one LOGOUT when it stops
    assertTrue(commands >= 150 && commands <= 150 + clients, "commands " + commands);
    List<String> names = r.commands().stream().map(CommandStats::command).toList();
    for (String expected : List.of("LOGIN", "SELECT", "FETCH FLAGS", "FETCH ENVELOPE", "FETCH BODY", "APPEND",
        "DELETE", "EXPUNGE", "LOGOUT")) {
      assertTrue(names.contains(expected), expected + " missing from " + names);
    }
    assertEquals(r.counts().get("sessions"), r.commands().stream().filter(c -> c.command().equals("LOGIN"))
        .findFirst().orElseThrow().count());
  }

  @Test
  void compareAlternatesTargetsAndReportsARatioPerRound(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("compare.json");
    String target = "127.0.0.1:" + node.port("smtp") + ":" + node.port("imap");
    int exit = run("compare", "--scenario", "smtp", "--rounds", "2", "--a", target, "--b", target, "--user", DEMO,
        "--password-file", node.passwordFile().toString(), "--messages", "6", "--concurrency", "2",
        "--out", json.toString());
    assertEquals(0, exit);
    JsonNode root = ResultFiles.JSON.readTree(json.toFile());
    assertEquals(2, root.get("rounds").size());
    for (JsonNode round : root.get("rounds")) {
      assertEquals(6, round.get("aCounts").get("accepted").asLong());
      assertEquals(6, round.get("bCounts").get("accepted").asLong());
      assertTrue(round.get("ratio").get("per second").asDouble() > 0);
    }
    assertTrue(Files.exists(dir.resolve("compare-A-1.json")));
    assertTrue(Files.exists(dir.resolve("compare-B-2.json")));
  }
}
