package org.mailhive.smtp.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.smtp.parse.SmtpCommandLine.Invalid;
import org.mailhive.smtp.parse.SmtpCommandLine.MailPath;
import org.mailhive.smtp.parse.SmtpCommandLine.Ok;
import org.mailhive.smtp.parse.SmtpCommandLine.PathLimits;
import org.mailhive.smtp.parse.SmtpCommandLine.PathResult;
import org.mailhive.smtp.parse.SmtpCommandLine.Reason;

class SmtpCommandLineTest {

  private static MailPath ok(PathResult result) {
    return assertInstanceOf(Ok.class, result).path();
  }

  private static Reason invalid(PathResult result) {
    return assertInstanceOf(Invalid.class, result).reason();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "EHLO bar.com|EHLO|bar.com",
      "MAIL FROM:<Smith@bar.com>|MAIL|FROM:<Smith@bar.com>",
      "rcpt TO:<Jones@foo.com>|RCPT|TO:<Jones@foo.com>",
      "DATA|DATA|''",
      "quit|QUIT|''",
      "NOOP   |NOOP|''",
      "HELO   relay.example.org  |HELO|relay.example.org"
  })
  void splitsTheVerbFromTheArgument(String line, String verb, String argument) {
    assertEquals(new SmtpCommandLine(verb, argument), SmtpCommandLine.parse(line));
  }

  @Test
  void parsesTheRfc5321ExamplePaths() {
    // RFC 5321 Appendix D.1.
    assertEquals(new MailPath("Smith@bar.com", Map.of()),
        ok(SmtpCommandLine.parseReversePath("FROM:<Smith@bar.com>")));
    assertEquals(new MailPath("Jones@foo.com", Map.of()),
        ok(SmtpCommandLine.parseForwardPath("TO:<Jones@foo.com>")));
  }

  @Test
  void parsesParametersWithAndWithoutValues() {
    MailPath path = ok(SmtpCommandLine.parseReversePath("FROM:<a@b.example> SIZE=1000 BODY=8BITMIME smtputf8"));
    assertEquals("a@b.example", path.address());
    assertEquals(Map.of("SIZE", "1000", "BODY", "8BITMIME", "SMTPUTF8", ""), path.parameters());
    assertEquals("1000", path.parameters().get("size"));
  }

  @Test
  void acceptsTheNullReversePath() {
    assertEquals(new MailPath("", Map.of("SIZE", "10")),
        ok(SmtpCommandLine.parseReversePath("FROM:<> SIZE=10")));
  }

  @Test
  void refusesTheNullPathAsARecipient() {
    assertEquals(Reason.BAD_ADDRESS, invalid(SmtpCommandLine.parseForwardPath("TO:<>")));
  }

  @Test
  void acceptsPostmasterWithoutADomainAsARecipientOnly() {
    assertEquals("postmaster", ok(SmtpCommandLine.parseForwardPath("TO:<postmaster>")).address());
    assertEquals(Reason.BAD_ADDRESS, invalid(SmtpCommandLine.parseReversePath("FROM:<postmaster>")));
  }

  @Test
  void ignoresTheCaseOfTheKeywordAndToleratesOneSpaceAfterTheColon() {
    assertEquals("a@b.c", ok(SmtpCommandLine.parseReversePath("from: <a@b.c>")).address());
    assertEquals("a@b.c", ok(SmtpCommandLine.parseForwardPath("To:<a@b.c>")).address());
    assertEquals(Reason.SYNTAX, invalid(SmtpCommandLine.parseReversePath("FROM:  <a@b.c>")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\"john doe\"@example.com",
      "\"a\\\"b\"@example.com",
      "\"\"@example.com",
      "user@[127.0.0.1]",
      "user@[IPv6:::1]",
      "user@[IPv6:2001:db8::1]",
      "user@[IPv6:2001:db8:0:0:0:0:0:1]",
      "user@[IPv6:::ffff:192.0.2.1]",
      "user@[x-tag:anything]",
      "first.last+tag@sub-domain.example.org",
      "!#$%&'*+-/=?^_`{|}~@example.org",
      "j\u00f6rg@b\u00fccher.de"
  })
  void acceptsValidMailboxes(String mailbox) {
    assertEquals(new MailPath(mailbox, Map.of()),
        ok(SmtpCommandLine.parseForwardPath("TO:<" + mailbox + "> ")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "a..b@example.com",
      ".a@example.com",
      "a.@example.com",
      "a b@example.com",
      "noat",
      "a@",
      "@example.com",
      "a@-bad.example",
      "a@bad-.example",
      "a@example..com",
      "a@example.com.",
      "\"unterminated@example.com",
      "\"bad\u0001char\"@example.com",
      "a@[256.0.0.1]",
      "a@[1.2.3]",
      "a@[IPv6:1:2:3:4:5:6:7:8:9]",
      "a@[IPv6:1::2::3]",
      "a@[IPv6:1:2:3:4:5:6:7]",
      "a@[IPv6:1:2:3:4:5:6:7::8]",
      "a@[127.0.0.1"
  })
  void refusesMalformedMailboxes(String mailbox) {
    PathResult result = SmtpCommandLine.parseForwardPath("TO:<" + mailbox + ">");
    assertInstanceOf(Invalid.class, result, mailbox);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FROM:<@a,@b:u@d>", "FROM:<@relay.example:user@example.org>"})
  void refusesSourceRoutes(String argument) {
    assertEquals(Reason.SOURCE_ROUTE, invalid(SmtpCommandLine.parseReversePath(argument)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "FROM:a@b.c",
      "TO:<a@b.c>",
      "FROM:<a@b.c",
      "FROM:<a@b.c>SIZE=1",
      "FROM:<a@b.c> SIZE=",
      "FROM:<a@b.c> =1",
      "FROM:<a@b.c> -X=1",
      "FROM:<a@b.c> SIZE=1 size=2",
      "FROM:<a@b.c> X=a=b",
      "FROM",
      ""
  })
  void refusesMalformedArguments(String argument) {
    assertEquals(Reason.SYNTAX, invalid(SmtpCommandLine.parseReversePath(argument)));
  }

  @Test
  void enforcesTheLocalPartLimitOfRfc5321() {
    String domain = "@example.org";
    assertInstanceOf(Ok.class, SmtpCommandLine.parseReversePath("FROM:<" + "l".repeat(63) + domain + ">"));
    assertInstanceOf(Ok.class, SmtpCommandLine.parseReversePath("FROM:<" + "l".repeat(64) + domain + ">"));
    assertEquals(Reason.TOO_LONG,
        invalid(SmtpCommandLine.parseReversePath("FROM:<" + "l".repeat(65) + domain + ">")));
    assertEquals(Reason.TOO_LONG,
        invalid(SmtpCommandLine.parseReversePath("FROM:<" + "l".repeat(100_000) + domain + ">")));
  }

  @Test
  void enforcesThePathLimitOfRfc5321() {
    // "<" + 64 + "@" + domain + ">" is 256 octets when the domain is 189.
    String local = "l".repeat(64);
    assertInstanceOf(Ok.class, SmtpCommandLine.parseForwardPath("TO:<" + local + "@" + domainOf(188) + ">"));
    assertInstanceOf(Ok.class, SmtpCommandLine.parseForwardPath("TO:<" + local + "@" + domainOf(189) + ">"));
    assertEquals(Reason.TOO_LONG,
        invalid(SmtpCommandLine.parseForwardPath("TO:<" + local + "@" + domainOf(190) + ">")));
  }

  @Test
  void enforcesTheDomainLimitGivenInTheLimits() {
    PathLimits roomy = new PathLimits(64, 255, 1000);
    assertInstanceOf(Ok.class, SmtpCommandLine.parseForwardPath("TO:<a@" + domainOf(254) + ">", roomy));
    assertInstanceOf(Ok.class, SmtpCommandLine.parseForwardPath("TO:<a@" + domainOf(255) + ">", roomy));
    assertEquals(Reason.TOO_LONG,
        invalid(SmtpCommandLine.parseForwardPath("TO:<a@" + domainOf(256) + ">", roomy)));
  }

  @Test
  void countsLimitsInOctetsNotCharacters() {
    // Each "ö" is two octets in UTF-8, so 33 of them exceed 64 octets.
    assertEquals(Reason.TOO_LONG,
        invalid(SmtpCommandLine.parseForwardPath("TO:<" + "\u00f6".repeat(33) + "@example.org>")));
    assertInstanceOf(Ok.class,
        SmtpCommandLine.parseForwardPath("TO:<" + "\u00f6".repeat(32) + "@example.org>"));
  }

  @Test
  void refusesALabelLongerThan63Octets() {
    assertInstanceOf(Ok.class, SmtpCommandLine.parseForwardPath("TO:<a@" + "d".repeat(63) + ".org>"));
    assertEquals(Reason.BAD_ADDRESS,
        invalid(SmtpCommandLine.parseForwardPath("TO:<a@" + "d".repeat(64) + ".org>")));
  }

  /** A syntactically valid domain of exactly {@code length} octets, in labels of at most 63. */
  private static String domainOf(int length) {
    StringBuilder domain = new StringBuilder();
    while (length - domain.length() > 63) {
      // Leave at least one octet after the dot so that no label is empty.
      int label = Math.min(63, length - domain.length() - 2);
      domain.append("d".repeat(label)).append('.');
    }
    domain.append("d".repeat(length - domain.length()));
    assertEquals(length, domain.length());
    return domain.toString();
  }
}
