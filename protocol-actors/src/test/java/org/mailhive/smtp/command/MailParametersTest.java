package org.mailhive.smtp.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mailhive.smtp.parse.SmtpCommandLine;

class MailParametersTest {
  private static final long MAX = 1000;

  private static MailParameters parse(String mailArgument) throws ParameterException {
    SmtpCommandLine.Ok ok = (SmtpCommandLine.Ok) SmtpCommandLine.parseReversePath(mailArgument);
    return MailParameters.parse(ok.path().parameters(), MAX);
  }

  @Test
  void keepsTheDsnParametersOfRfc3461Section4() throws Exception {
    // RFC 3461 §4.4's example ENVID, with RET=HDRS (§4.3).
    MailParameters p = parse("FROM:<Alice@Example.ORG> RET=HDRS ENVID=QQ314159");
    assertEquals("HDRS", p.ret());
    assertEquals("QQ314159", p.envid());
  }

  @Test
  void readsSizeBodySmtputf8AndAuthTogether() throws Exception {
    MailParameters p = parse("FROM:<a@b.example> SIZE=1000 BODY=BINARYMIME SMTPUTF8 AUTH=<>");
    assertEquals(1000, p.size());
    assertEquals(MailParameters.Body.BINARY_MIME, p.body());
    assertTrue(p.smtpUtf8());
  }

  @Test
  void sizeOneOverTheLimitIsRefusedWith552() {
    ParameterException e = assertThrows(ParameterException.class, () -> parse("FROM:<a@b.example> SIZE=1001"));
    assertTrue(e.reply().startsWith("552 5.3.4"), e.reply());
  }

  @ParameterizedTest
  @CsvSource({
      "RET=SOME, 501 5.5.4", "ENVID=a+zz, 501 5.5.4", "BODY=9BIT, 501 5.5.4", "SMTPUTF8=yes, 501 5.5.4",
      "SIZE=-1, 501 5.5.4", "SIZE=12x, 501 5.5.4", "XFORWARD=1, 555 5.5.4", "AUTH=a+2, 501 5.5.4"})
  void refusesBadValuesAndUnknownKeywords(String param, String code) {
    ParameterException e = assertThrows(ParameterException.class, () -> parse("FROM:<a@b.example> " + param));
    assertTrue(e.reply().startsWith(code), e.reply());
  }

  @Test
  void anEnvidOfOneHundredCharactersIsAcceptedAndOneMoreIsNot() throws Exception {
    assertEquals(100, parse("FROM:<a@b.example> ENVID=" + "x".repeat(100)).envid().length());
    assertThrows(ParameterException.class, () -> parse("FROM:<a@b.example> ENVID=" + "x".repeat(101)));
  }

  @Test
  void noParametersMeansSevenBitAndNoSize() throws Exception {
    assertEquals(new MailParameters(-1, MailParameters.Body.SEVEN_BIT, false, null, null),
        MailParameters.parse(Map.of(), MAX));
  }
}
