package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue #5 acceptance 6: ten failed logins from one IP slow and then block that IP for every protocol (IMAP, POP3,
 * SMTP submission), even with the right password, while another IP logs in normally. Also the master user for
 * webmail single sign-on ({@code user*master}), accepted only from the configured network. Each test uses its own
 * loopback source addresses, so they do not disturb each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthThrottleIT {
  private static final Map<String, String> USERS = Map.of("alice@localhost", "alice-pw", "bob@localhost", "bob-pw",
      "webmail@localhost", "webmail-pw");
  private static final Duration FIRST_DELAY = Duration.ofMillis(200);
  private static final Duration MAX_DELAY = Duration.ofMillis(800);
  private static final String ATTACKER = "127.0.0.5";
  private static final String NEIGHBOUR = "127.0.0.6";
  private static final String WEBMAIL = "127.0.0.7";
  private static final String ELSEWHERE = "127.0.0.8";

  /** The fail2ban filter of README and reference.conf, with fail2ban's {@code <HOST>} as a group. */
  private static final Pattern FAIL2BAN = Pattern.compile(
      "auth_failed proto=(\\S+) user=\"[^\"]*\" mech=\\S+ rip=(\\S+) .*reason=(\\S+) ");

  TestNode node;
  SSLSocketFactory tls;
  final ListAppender<ILoggingEvent> authLog = new ListAppender<>();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    authLog.start();
    ((Logger) LoggerFactory.getLogger("org.mailhive.sasl.Authenticator")).addAppender(authLog);
    node = TestNode.start(dir, Map.of(
        "mailhive.auth.throttle.enabled", true,
        "mailhive.auth.throttle.first-delay", FIRST_DELAY.toMillis() + "ms",
        "mailhive.auth.throttle.delay-factor", 2,
        "mailhive.auth.throttle.max-delay", MAX_DELAY.toMillis() + "ms",
        "mailhive.auth.throttle.per-ip.delay-after", 3,
        "mailhive.auth.throttle.per-ip.block-after", 10,
        "mailhive.auth.throttle.per-ip.block-for", "2m",
        "mailhive.auth.master.logins", List.of("webmail@localhost"),
        "mailhive.auth.master.networks", List.of(WEBMAIL + "/32")), USERS);
    tls = node.trustingSocketFactory();
  }

  @AfterAll
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger("org.mailhive.sasl.Authenticator")).detachAppender(authLog);
    node.close();
  }

  /** The delay the configuration gives attempt n (1-based) after n-1 failures: none for the first three. */
  private static long configuredDelayMs(int attempt) {
    int failuresBefore = attempt - 1;
    if (failuresBefore < 3) {
      return 0;
    }
    return Math.min(FIRST_DELAY.toMillis() << (failuresBefore - 3), MAX_DELAY.toMillis());
  }

  @Test
  void tenFailedLoginsFromOneIpSlowThenBlockItOnEveryProtocolWhileAnotherIpLogsInNormally() throws Exception {
    // Ten wrong passwords for bob from 127.0.0.5, spread over the three protocols: one count for the IP.
    List<Long> tookMs = new ArrayList<>();
    for (int attempt = 1; attempt <= 10; attempt++) {
      long start = System.nanoTime();
      String reply = switch (attempt % 3) {
        case 1 -> imapLogin(ATTACKER, "bob@localhost", "wrong" + attempt);
        case 2 -> pop3Login(ATTACKER, "bob@localhost", "wrong" + attempt);
        default -> smtpAuth(ATTACKER, "bob@localhost", "wrong" + attempt);
      };
      tookMs.add((System.nanoTime() - start) / 1_000_000);
      assertTrue(reply.contains("NO [AUTHENTICATIONFAILED]") || reply.startsWith("-ERR [AUTH]")
          || reply.startsWith("535 5.7.8"), "attempt " + attempt + ": " + reply);
    }
    // Slowing: from the fourth attempt on, each answer waits at least the delay configured for it (200, 400,
    // then 800 ms), so later failures take longer than the first ones could have to.
    for (int attempt = 4; attempt <= 10; attempt++) {
      assertTrue(tookMs.get(attempt - 1) >= configuredDelayMs(attempt),
          "attempt " + attempt + " took " + tookMs.get(attempt - 1) + " ms, configured delay "
              + configuredDelayMs(attempt) + " ms; all: " + tookMs);
    }

    // Blocked: the right password from 127.0.0.5 is refused on every protocol with a temporary error.
    assertEquals("a NO [UNAVAILABLE] Too many failed logins, try again later",
        imapLogin(ATTACKER, "alice@localhost", "alice-pw"));
    assertEquals("-ERR [SYS/TEMP] Too many failed logins, try again later.",
        pop3Login(ATTACKER, "alice@localhost", "alice-pw"));
    assertEquals("454 4.7.0 Too many failed logins, try again later",
        smtpAuth(ATTACKER, "alice@localhost", "alice-pw"));

    // Another IP logs in normally on all three, as alice and as bob (whose password was guessed at).
    assertTrue(imapLogin(NEIGHBOUR, "alice@localhost", "alice-pw").startsWith("a OK"));
    assertEquals("+OK Logged in.", pop3Login(NEIGHBOUR, "alice@localhost", "alice-pw"));
    assertEquals("235 2.7.0 Authentication successful", smtpAuth(NEIGHBOUR, "alice@localhost", "alice-pw"));
    assertTrue(imapLogin(NEIGHBOUR, "bob@localhost", "bob-pw").startsWith("a OK"));

    // Every failure from 127.0.0.5 is one line the documented fail2ban filter matches, whatever the protocol.
    List<String> protos = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<ILoggingEvent> events;
    synchronized (authLog) { // AppenderBase appends under this lock
      events = List.copyOf(authLog.list);
    }
    for (ILoggingEvent e : events) {
      Matcher m = FAIL2BAN.matcher(e.getFormattedMessage());
      if (m.find() && m.group(2).equals(ATTACKER)) {
        protos.add(m.group(1));
        reasons.add(m.group(3));
      }
    }
    assertEquals(13, reasons.size(), "ten failures and three blocked attempts: " + reasons);
    assertEquals(10, reasons.stream().filter("bad_password"::equals).count(), reasons.toString());
    assertEquals(3, reasons.stream().filter("blocked"::equals).count(), reasons.toString());
    assertEquals(List.of("imap", "pop3", "submission"), protos.stream().distinct().sorted().toList());
  }

  @Test
  void aMasterLogsInAsAnyUserFromTheConfiguredNetworkOnly() throws Exception {
    String login = "alice@localhost*webmail@localhost";
    assertTrue(imapLogin(WEBMAIL, login, "webmail-pw").startsWith("a OK"), "master from the webmail host");
    assertEquals("235 2.7.0 Authentication successful", smtpAuth(WEBMAIL, login, "webmail-pw"));
    assertEquals("+OK Logged in.", pop3Login(WEBMAIL, login, "webmail-pw"));
    assertTrue(imapLogin(WEBMAIL, login, "wrong").startsWith("a NO [AUTHENTICATIONFAILED]"), "master, wrong password");
    assertTrue(imapLogin(WEBMAIL, "alice@localhost*bob@localhost", "bob-pw").startsWith("a NO [AUTHENTICATIONFAILED]"),
        "bob is no master");
    assertTrue(imapLogin(ELSEWHERE, login, "webmail-pw").startsWith("a NO [AUTHENTICATIONFAILED]"),
        "master from another address");
  }

  /** The tagged reply to LOGIN, over a fresh connection (the session closes after a few failures anyway). */
  private String imapLogin(String source, String login, String password) throws Exception {
    try (LineClient c = LineClient.from(source, node.imapPort())) {
      assertTrue(c.line().startsWith("* OK"));
      return LineClient.last(c.imap("a", "LOGIN \"" + login + "\" \"" + password + "\""));
    }
  }

  /** The reply to PASS after USER (plaintext is allowed from loopback). */
  private String pop3Login(String source, String login, String password) throws Exception {
    try (LineClient c = LineClient.from(source, node.port("pop3"))) {
      assertTrue(c.line().startsWith("+OK"));
      c.send("USER " + login + "\r\n");
      assertTrue(c.line().startsWith("+OK"));
      c.send("PASS " + password + "\r\n");
      return c.line();
    }
  }

  /** The reply to AUTH PLAIN on submission after STARTTLS. */
  private String smtpAuth(String source, String login, String password) throws Exception {
    try (SmtpClient c = SmtpClient.plainFrom(source, node.port("submission"))) {
      c.greet("EHLO");
      c.starttls(tls);
      return c.authPlain(login, password);
    }
  }
}
