package org.mailhive.bench;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailhive.bench.scenario.IdleScenario;
import org.mailhive.bench.scenario.ImapOp;
import org.mailhive.bench.scenario.ImapScenario;
import org.mailhive.bench.scenario.SmtpScenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code java -jar bench/target/mailhive-bench.jar smtp|imap|compare ...}. Exit code 0 on a completed run, 3 when
 * smtp verification found accepted messages missing, 2 on bad arguments (picocli).
 */
@Command(name = "mailhive-bench", mixinStandardHelpOptions = true, version = "mailhive-bench 0.1",
    description = "Load generator for any SMTP/IMAP server: Mailhive, Dovecot, Postfix.",
    subcommands = {Main.Smtp.class, Main.Imap.class, Main.Idle.class, Main.Pop3.class, Main.Chaos.class, Compare.class, Main.Jmh.class})
public final class Main implements Runnable {
  static final int EXIT_LOST = 3;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * The JMH micro-benchmarks of org.mailhive.bench.jmh; every argument goes to JMH's own command line
   * ({@code jmh -h} lists them), e.g. {@code jmh -f 1 -wi 2 -i 3 ImapParse}.
   */
  @Command(name = "jmh", description = "Run the JMH micro-benchmarks (arguments are JMH's: -h, -f, -wi, -i, -rf json, regex).")
  static final class Jmh implements Callable<Integer> {
    @picocli.CommandLine.Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
      return 0;
    }
  }

  /** Where the server is and who logs in; shared by every scenario. */
  static final class Common {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--user", description = "USER[:PASSWORD]; repeatable. Without a password, --password-file's.")
    List<String> users = new ArrayList<>();
    @Option(names = "--password-file", description = "Password for every --user given without one.")
    Path passwordFile;
    @Option(names = "--users-file", description = "One 'user password' per line.")
    Path usersFile;
    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
        description = "Connect and per-reply timeout (default: ${DEFAULT-VALUE}).")
    Duration timeout;
    @Option(names = "--max-time", defaultValue = "1h", converter = DurationConverter.class,
        description = "Hard limit on one run (default: ${DEFAULT-VALUE}).")
    Duration maxTime;
    @Option(names = "--out", defaultValue = "bench-result.json", description = "JSON result file (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--chart", description = "PNG chart of throughput and p99 over time (default: the --out name with .png).")
    Path chart;

    List<Credentials> credentials(Path passwordOverride, Path usersFileOverride) throws Exception {
      return Credentials.from(users, passwordOverride != null ? passwordOverride : passwordFile,
          usersFileOverride != null ? usersFileOverride : usersFile);
    }

    Path chartPath() {
      if (chart != null) {
        return chart;
      }
      String name = out.getFileName().toString();
      return out.resolveSibling(name.replaceFirst("\\.json$", "") + ".png");
    }
  }

  static final class SmtpOptions {
    @Option(names = "--smtp-port", defaultValue = "2525") int smtpPort;
    @Option(names = "--messages", defaultValue = "2000", description = "Messages to send (default: ${DEFAULT-VALUE}).")
    int messages;
    @Option(names = "--concurrency", defaultValue = "20", description = "Connections (default: ${DEFAULT-VALUE}).")
    int concurrency;
    @Option(names = "--sizes", defaultValue = "4k", description = "SIZE or SIZE=WEIGHT,... (default: ${DEFAULT-VALUE}).")
    String sizes;
    @Option(names = "--from", defaultValue = "bench@bench.mailhive") String from;
    @Option(names = "--messages-per-connection", defaultValue = "100") int perConnection;
    @Option(names = "--verify", description = "Count each user's INBOX over IMAP (--imap-port) before and after.")
    boolean verify;
    @Option(names = "--verify-timeout", defaultValue = "30s", converter = DurationConverter.class,
        description = "How long to wait for accepted mail to appear (default: ${DEFAULT-VALUE}).")
    Duration verifyTimeout;
  }

  static final class ImapOptions {
    @Option(names = "--imap-port", defaultValue = "2143") int imapPort;
    @Option(names = "--clients", defaultValue = "50", description = "Concurrent IMAP clients (default: ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--duration", converter = DurationConverter.class,
        description = "Run time, e.g. 30s (default 30s unless --commands is given).")
    Duration duration;
    @Option(names = "--commands", defaultValue = "0", description = "Stop after this many commands in total.")
    long commands;
    @Option(names = "--weights", description = "Percent per cycle, e.g. fetch-body=20,idle=10. Names: login, list, "
        + "select, fetch-flags, fetch-envelope, fetch-body, status, noop, store, delete, expunge, append, idle, logout.")
    String weights;
    @Option(names = "--append-sizes", defaultValue = "4k") String appendSizes;
    @Option(names = "--max-messages", defaultValue = "1000",
        description = "Mailbox size at which APPEND turns into DELETE (default: ${DEFAULT-VALUE}).")
    int maxMessages;
    @Option(names = "--idle-time", defaultValue = "1s", converter = DurationConverter.class) Duration idleTime;
  }

  static SmtpScenario.Settings smtpSettings(String host, SmtpOptions o, int imapPort, List<Credentials> users,
                                            Common c) {
    return new SmtpScenario.Settings(new InetSocketAddress(host, o.smtpPort), o.messages, o.concurrency,
        SizeDistribution.parse(o.sizes), users, o.from, c.timeout, o.perConnection,
        o.verify ? new InetSocketAddress(host, imapPort) : null, o.verifyTimeout, c.maxTime);
  }

  static ImapScenario.Settings imapSettings(String host, ImapOptions o, List<Credentials> users, Common c) {
    Duration duration = o.duration != null ? o.duration : (o.commands > 0 ? null : Duration.ofSeconds(30));
    return new ImapScenario.Settings(new InetSocketAddress(host, o.imapPort), o.clients, users, duration,
        o.commands, ImapOp.weights(o.weights), SizeDistribution.parse(o.appendSizes), o.maxMessages, o.idleTime,
        c.timeout, c.maxTime);
  }

  static void report(RunResult r, Common c, PrintStream out) throws Exception {
    ResultTable.print(r, out);
    ResultFiles.writeJson(r, c.out);
    ResultFiles.writeChart(r, c.chartPath());
    out.println("result: " + c.out + "  chart: " + c.chartPath());
  }

  @Command(name = "smtp", mixinStandardHelpOptions = true,
      description = "Send N messages at concurrency C; optionally verify by IMAP that every accepted one arrived.")
  static final class Smtp implements Callable<Integer> {
    @Mixin Common common;
    @Mixin SmtpOptions smtp;
    @Option(names = "--imap-port", defaultValue = "2143", description = "For --verify.") int imapPort;

    @Override
    public Integer call() throws Exception {
      RunResult r = SmtpScenario.run(smtpSettings(common.host, smtp, imapPort, common.credentials(null, null), common),
          System.err);
      report(r, common, System.out);
      return r.count("lost") > 0 ? EXIT_LOST : 0;
    }
  }

  @Command(name = "imap", mixinStandardHelpOptions = true,
      description = "C clients over U users running an imaptest-style weighted command mix.")
  static final class Imap implements Callable<Integer> {
    @Mixin Common common;
    @Mixin ImapOptions imap;

    @Override
    public Integer call() throws Exception {
      RunResult r = ImapScenario.run(imapSettings(common.host, imap, common.credentials(null, null), common),
          System.err);
      report(r, common, System.out);
      return 0;
    }
  }

  @Command(name = "chaos", mixinStandardHelpOptions = true,
      description = "Run the smtp scenario over several nodes while killing/restarting nodes on a schedule; then "
          + "read every INBOX and report acknowledged messages lost or duplicated. Exit 3 if any.")
  static final class Chaos implements Callable<Integer> {
    @Mixin Common common;
    @Mixin SmtpOptions smtp;
    @Option(names = "--targets", split = ",", description = "SMTP servers (HOST or HOST:PORT) the connections are "
        + "spread over, e.g. 127.0.0.1,127.0.0.2,127.0.0.3 (default: --host).")
    List<String> targets = new ArrayList<>();
    @Option(names = "--at", required = true, description = "AT:kill|term|run:TARGET, repeatable, e.g. "
        + "20s:kill:data/node2/node.pid or '40s:run:scripts/local-cluster start'.")
    List<String> events = new ArrayList<>();
    @Option(names = "--imap-port", defaultValue = "2143", description = "For the audit (on --host).") int imapPort;
    @Option(names = "--action-timeout", defaultValue = "3m", converter = DurationConverter.class,
        description = "Bound on each event (default: ${DEFAULT-VALUE}).")
    Duration actionTimeout;
    @Option(names = "--audit-deadline", defaultValue = "2m", converter = DurationConverter.class,
        description = "How long the audit may wait for mailboxes to be readable again (default: ${DEFAULT-VALUE}).")
    Duration auditDeadline;

    @Override
    public Integer call() throws Exception {
      List<InetSocketAddress> addresses = new ArrayList<>();
      for (String t : targets) {
        int colon = t.lastIndexOf(':');
        addresses.add(colon > 0 ? new InetSocketAddress(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)))
            : new InetSocketAddress(t, smtp.smtpPort));
      }
      SmtpScenario.Settings base = smtpSettings(common.host, smtp, imapPort, common.credentials(null, null), common);
      SmtpScenario.Settings load = new SmtpScenario.Settings(base.smtp(), base.messages(), base.concurrency(),
          base.sizes(), base.users(), base.from(), base.timeout(), base.messagesPerConnection(), null,
          base.verifyTimeout(), base.maxTime(), addresses, null);
      RunResult r = org.mailhive.bench.chaos.ChaosRun.run(new org.mailhive.bench.chaos.ChaosRun.Settings(load,
          events.stream().map(org.mailhive.bench.chaos.ChaosEvent::parse).toList(), actionTimeout,
          new InetSocketAddress(common.host, imapPort), auditDeadline), System.err);
      report(r, common, System.out);
      return r.count("lost") > 0 || r.count("duplicated") > 0 ? EXIT_LOST : 0;
    }
  }

  @Command(name = "pop3", mixinStandardHelpOptions = true,
      description = "C clients over U users polling by POP3: login, STAT, UIDL, RETR, optional DELE, QUIT.")
  static final class Pop3 implements Callable<Integer> {
    @Mixin Common common;
    @Option(names = "--pop3-port", defaultValue = "2110") int pop3Port;
    @Option(names = "--clients", defaultValue = "20", description = "Concurrent POP3 clients (default: ${DEFAULT-VALUE}).")
    int clients;
    @Option(names = "--duration", converter = DurationConverter.class,
        description = "Run time, e.g. 30s (default 30s unless --sessions is given).")
    Duration duration;
    @Option(names = "--sessions", defaultValue = "0", description = "Stop after this many sessions in total.")
    long sessions;
    @Option(names = "--retrieves", defaultValue = "5", description = "RETRs per session (default: ${DEFAULT-VALUE}).")
    int retrieves;
    @Option(names = "--delete-percent", defaultValue = "0",
        description = "Chance that a retrieved message is deleted (default: ${DEFAULT-VALUE}).")
    int deletePercent;

    @Override
    public Integer call() throws Exception {
      Duration d = duration != null ? duration : (sessions > 0 ? null : Duration.ofSeconds(30));
      RunResult r = org.mailhive.bench.scenario.Pop3Scenario.run(new org.mailhive.bench.scenario.Pop3Scenario.Settings(
          new InetSocketAddress(common.host, pop3Port), clients, common.credentials(null, null), d, sessions,
          retrieves, deletePercent, common.timeout, common.maxTime), System.err);
      report(r, common, System.out);
      return 0;
    }
  }

  @Command(name = "idle", mixinStandardHelpOptions = true,
      description = "Hold N authenticated idle IMAP connections; report the server's memory per connection.")
  static final class Idle implements Callable<Integer> {
    @Mixin Common common;
    @Option(names = "--imap-port", defaultValue = "2143") int imapPort;
    @Option(names = "--connections", defaultValue = "1000", description = "Connections to open (default: ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = "--pid", required = true, split = ",",
        description = "Server process(es); memory is summed over each and all its descendants.")
    List<Long> pids;
    @Option(names = "--parallel", defaultValue = "50", description = "Connections being opened at once (default: ${DEFAULT-VALUE}).")
    int parallel;
    @Option(names = "--open-time", defaultValue = "5m", converter = DurationConverter.class,
        description = "Stop opening after this long (default: ${DEFAULT-VALUE}).")
    Duration openTime;
    @Option(names = "--settle", defaultValue = "10s", converter = DurationConverter.class,
        description = "Wait before the second memory sample (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Override
    public Integer call() throws Exception {
      RunResult r = IdleScenario.run(new IdleScenario.Settings(new InetSocketAddress(common.host, imapPort),
          connections, common.credentials(null, null), pids, parallel, openTime, settle, common.timeout), System.err);
      report(r, common, System.out);
      return 0;
    }
  }
}
