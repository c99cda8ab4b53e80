package org.mailhive.smtp.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.smtp.parse.SmtpCommandLine;

class RcptParametersTest {
  private static RcptParameters parse(String rcptArgument) throws ParameterException {
    SmtpCommandLine.Ok ok = (SmtpCommandLine.Ok) SmtpCommandLine.parseForwardPath(rcptArgument);
    return RcptParameters.parse(ok.path().parameters());
  }

  @Test
  void keepsNotifyAndOrcptFromRfc3461Examples() throws Exception {
    // RFC 3461 §4.1 and §4.2 (the ORCPT example of §4.2 with its xtext-encoded "+" and "=").
    RcptParameters p = parse("TO:<Bob@Example.COM> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob+2BBob@Example.COM");
    assertEquals("SUCCESS,FAILURE", p.notifyWhen());
    assertEquals("rfc822;Bob+2BBob@Example.COM", p.orcpt());
  }

  @Test
  void notifyNeverStandsAlone() throws Exception {
    assertEquals("NEVER", parse("TO:<b@x.example> NOTIFY=never").notifyWhen());
    assertThrows(ParameterException.class, () -> parse("TO:<b@x.example> NOTIFY=NEVER,SUCCESS"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"NOTIFY=SOMETIMES", "NOTIFY=SUCCESS,SUCCESS", "NOTIFY=SUCCESS,", "ORCPT=bob@x.example",
      "ORCPT=rfc822;", "ORCPT=;bob@x", "ORCPT=rfc822;a+2", "ORCPT=rfc822;a+2b"})
  void refusesMalformedDsnParametersWith501(String param) {
    ParameterException e = assertThrows(ParameterException.class, () -> parse("TO:<b@x.example> " + param));
    assertTrue(e.reply().startsWith("501 5.5.4"), e.reply());
  }

  @Test
  void refusesUnknownRcptParametersWith555() {
    ParameterException e = assertThrows(ParameterException.class, () -> parse("TO:<b@x.example> FOO=1"));
    assertTrue(e.reply().startsWith("555 5.5.4"), e.reply());
  }
}
