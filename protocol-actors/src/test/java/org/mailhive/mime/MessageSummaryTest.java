package org.mailhive.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageSummaryTest {
  private static final String NO_ENVELOPE = "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)";

  private static MessageSummary summarize(String... lines) {
    return MessageSummary.of(String.join("\r\n", lines).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void simpleTextMessageHasFullEnvelopeAndTextBody() {
    MessageSummary summary = summarize(
        "Date: Sat, 23 Feb 2008 07:48:03 -0600",
        "From: \"Brian G. Hutton\" <brian@example.org>",
        "To: Timothy Taylor <tim@example.org>, faith@example.org",
        "Cc: <ben@example.org>",
        "Subject: Rhubarb",
        "Message-ID: <17291729@machine.example.org>",
        "In-Reply-To: <1729@example.org>",
        "",
        "Rhubarb!",
        "Custard!",
        "");
    String brian = "((\"Brian G. Hutton\" NIL \"brian\" \"example.org\"))";
    assertEquals("(\"Sat, 23 Feb 2008 07:48:03 -0600\" \"Rhubarb\" " + brian + " " + brian + " " + brian
        + " ((\"Timothy Taylor\" NIL \"tim\" \"example.org\")(NIL NIL \"faith\" \"example.org\"))"
        + " ((NIL NIL \"ben\" \"example.org\")) NIL \"<1729@example.org>\" \"<17291729@machine.example.org>\")",
        summary.envelope());
    assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 20 2 NIL NIL NIL NIL)",
        summary.bodyStructure());
    assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 20 2)", summary.body());
  }

  @Test
  void missingHeadersAreNilAndSenderFollowsFrom() {
    assertEquals(NO_ENVELOPE, summarize("X-Nothing: here", "", "body").envelope());
    assertEquals(NO_ENVELOPE, summarize("", "body only").envelope());
    assertEquals("(NIL \"\\\"quoted\\\" subject\" NIL NIL NIL NIL NIL NIL NIL NIL)",
        summarize("Subject: \"quoted\" subject", "Sender:", "", "x").envelope());
  }

  @Test
  void headersStayUnfoldedButStillEncoded() {
    MessageSummary summary = summarize(
        "Subject: =?ISO-8859-1?Q?Caf=E9?=",
        "  and more",
        "From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>",
        "", "");
    assertTrue(summary.envelope().startsWith(
        "(NIL \"=?ISO-8859-1?Q?Caf=E9?=  and more\" ((\"=?utf-8?q?J=C3=BCrgen?=\" NIL \"j\" \"example.org\"))"),
        summary.envelope());
  }

  @Test
  void eightBitSubjectIsSentAsALiteral() {
    MessageSummary summary = summarize("Subject: Grüße", "", "");
    assertEquals("(NIL {7}\r\nGrüße NIL NIL NIL NIL NIL NIL NIL NIL)", summary.envelope());
  }

  @Test
  void groupAddressesGetStartAndEndMarkers() {
    MessageSummary summary = summarize(
        "From: a@example.org",
        "To: Friends: b@example.org, C <c@example.org>;, d@example.org",
        "Bcc: undisclosed-recipients:;",
        "", "");
    assertTrue(summary.envelope().contains(" ((NIL NIL \"Friends\" NIL)(NIL NIL \"b\" \"example.org\")"
        + "(\"C\" NIL \"c\" \"example.org\")(NIL NIL NIL NIL)(NIL NIL \"d\" \"example.org\")) NIL"
        + " ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL)"), summary.envelope());
  }

  @Test
  void multipartAlternativeListsEachPartThenSubtypeAndParameters() {
    MessageSummary summary = summarize(
        "MIME-Version: 1.0",
        "Content-Type: multipart/alternative; boundary=\"b1\"",
        "",
        "preamble",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Language: en (English), de",
        "",
        "Hello",
        "--b1",
        "Content-Type: text/html; charset=\"utf-8\"",
        "Content-Transfer-Encoding: quoted-printable",
        "Content-Disposition: inline",
        "",
        "<p>Hello</p>",
        "<p>again</p>",
        "--b1--",
        "");
    assertEquals("((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 5 0 NIL NIL (\"en\" \"de\") NIL)"
        + "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 26 1 NIL (\"inline\" NIL) NIL NIL)"
        + " \"alternative\" (\"boundary\" \"b1\") NIL NIL NIL)", summary.bodyStructure());
    assertEquals("((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 5 0)"
        + "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 26 1) \"alternative\")",
        summary.body());
  }

  @Test
  void nestedMessageCarriesItsOwnEnvelopeBodyAndLineCount() {
    MessageSummary summary = summarize(
        "Subject: outer",
        "Content-Type: multipart/mixed; boundary=outer",
        "",
        "--outer",
        "Content-Type: message/rfc822",
        "Content-Description: forwarded",
        "",
        "Subject: inner",
        "From: Inner <in@example.org>",
        "",
        "inner body",
        "--outer--",
        "");
    String inner = "(NIL \"inner\" ((\"Inner\" NIL \"in\" \"example.org\")) ((\"Inner\" NIL \"in\" \"example.org\"))"
        + " ((\"Inner\" NIL \"in\" \"example.org\")) NIL NIL NIL NIL NIL)";
    assertEquals("((\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" 58 " + inner
        + " (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)"
        + " \"mixed\" (\"boundary\" \"outer\") NIL NIL NIL)", summary.bodyStructure());
    assertEquals("((\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" 58 " + inner
        + " (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 0) 3) \"mixed\")", summary.body());
  }

  @Test
  void digestPartsDefaultToMessageRfc822() {
    MessageSummary summary = summarize(
        "Content-Type: multipart/digest; boundary=d",
        "",
        "--d",
        "",
        "Subject: one",
        "",
        "1",
        "--d--",
        "");
    assertTrue(summary.body().startsWith("((\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 17 (NIL \"one\""),
        summary.body());
  }

  @Test
  void bareLineFeedsAreCountedAsReceived() {
    byte[] raw = "Subject: lf\n\nline one\nline two\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 18 2)", MessageSummary.of(raw).body());
  }

  @Test
  void rfc2231ContinuationsAreJoinedAndEncodedValuesKept() {
    MessageSummary summary = summarize(
        "Content-Type: application/x-stuff;",
        " title*0*=us-ascii'en'This%20is%20even%20more%20;",
        " title*1*=%2A%2A%2Afun%2A%2A%2A%20;",
        " title*2=\"isn't it!\"",
        "", "x");
    assertEquals("(\"application\" \"x-stuff\" (\"title*\""
        + " \"us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun%2A%2A%2A%20isn't it!\") NIL NIL \"7bit\" 1)",
        summary.body());
  }

  @Test
  void multipartWithoutItsBoundaryFallsBackToPlainText() {
    MessageSummary summary = summarize(
        "Content-Type: multipart/mixed; boundary=never-used",
        "",
        "just text",
        "");
    assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 11 1)", summary.body());
  }

  @Test
  void multipartWithoutBoundaryParameterIsPlainText() {
    MessageSummary summary = summarize("Content-Type: multipart/mixed", "", "abc");
    assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 0)", summary.body());
  }

  @Test
  void unparsableContentTypeMeansPlainUsAscii() {
    assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 0)",
        summarize("Content-Type: garbage;;;=", "", "abc").body());
  }

  @Test
  void nestingDeeperThanTheLimitIsNotOpened() {
    StringBuilder message = new StringBuilder();
    int depth = 5;
    for (int i = 0; i < depth; i++) {
      message.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n--b").append(i)
          .append("\r\n");
    }
    message.append("\r\nleaf\r\n");
    MessageSummary summary = MessageSummary.of(message.toString().getBytes(StandardCharsets.US_ASCII), 2);
    assertTrue(summary.body().startsWith("(((\"text\" \"plain\""), summary.body());
    assertTrue(summary.body().endsWith(" \"mixed\") \"mixed\")"), summary.body());
  }

  @Test
  void emptyAndHeaderlessInputStillGiveASummary() {
    assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)", MessageSummary.of(new byte[0]).body());
    assertEquals(NO_ENVELOPE, MessageSummary.of(new byte[0]).envelope());
  }

  @Test
  void contentMd5IsReportedAsSentInBodyStructure() {
    MessageSummary summary = summarize(
        "Content-Type: text/plain; charset=utf-8",
        "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==",
        "",
        "x");
    assertEquals("(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 1 0 \"Q2hlY2sgSW50ZWdyaXR5IQ==\""
        + " NIL NIL NIL)", summary.bodyStructure());
  }

  @Test
  void theDefaultCharsetFollowsTheParametersThatWereSent() {
    MessageSummary summary = summarize(
        "Content-Type: text/html; name=\"sonnet.html\"",
        "",
        "x");
    assertEquals("(\"text\" \"html\" (\"name\" \"sonnet.html\" \"charset\" \"us-ascii\") NIL NIL \"7bit\" 1 0)",
        summary.body());
  }

  @Test
  void aTransferEncodingOfSeveralWordsIsReportedAsTheDefault() {
    MessageSummary summary = summarize(
        "Content-Transfer-Encoding: 8 bit",
        "",
        "x");
    assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 1 0)", summary.body());
  }

  /** Dovecot 2.3.19's answer for this very message, taken with scripts/dovecot-reference. */
  @Test
  void repeatedFieldsGiveTheLastStringAndEveryAddressAsDovecotReportsThem() {
    MessageSummary summary = summarize(
        "From: First <first@example.org>",
        "From: Second <second@example.org>",
        "Subject: first subject",
        "Subject: second subject",
        "Date: Mon, 1 Jan 2024 00:00:00 +0000",
        "Date: Tue, 2 Jan 2024 00:00:00 +0000",
        "To: a@example.org",
        "To: b@example.org",
        "Message-ID: <one@example.org>",
        "Message-ID: <two@example.org>",
        "In-Reply-To: <r1@example.org>",
        "In-Reply-To: <r2@example.org>",
        "Content-Type: text/html",
        "Content-Type: image/png",
        "",
        "body",
        "");
    String from = "((\"First\" NIL \"first\" \"example.org\")(\"Second\" NIL \"second\" \"example.org\"))";
    assertEquals("(\"Tue, 2 Jan 2024 00:00:00 +0000\" \"second subject\" " + from + " " + from + " " + from
        + " ((NIL NIL \"a\" \"example.org\")(NIL NIL \"b\" \"example.org\")) NIL NIL \"<r2@example.org>\""
        + " \"<two@example.org>\")", summary.envelope());
    assertEquals("(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1 NIL NIL NIL NIL)",
        summary.bodyStructure());
  }
}
