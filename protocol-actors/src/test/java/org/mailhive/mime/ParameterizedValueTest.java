package org.mailhive.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailhive.mime.ParameterizedValue.Param;

class ParameterizedValueTest {
  @Test
  void keepsValueCaseAndLowerCasesParameterNames() {
    ParameterizedValue v = ParameterizedValue.parse("TEXT/PLAIN; CHARSET=US-ASCII (comment); Format=\"flowed\"");
    assertEquals("TEXT/PLAIN", v.value());
    assertEquals(List.of(new Param("charset", "US-ASCII"), new Param("format", "flowed")), v.params());
  }

  @Test
  void unquotedBoundaryWithTspecialsStaysWhole() {
    assertEquals("----=_Part_4002_22491526.1205261626856",
        ParameterizedValue.parse("multipart/mixed; boundary=----=_Part_4002_22491526.1205261626856").param("boundary"));
  }

  @Test
  void parameterWithForgottenSemicolonIsStillSeparate() {
    // RFC 2046 §5.2.3.7's example omits the ';' before "server".
    ParameterizedValue v = ParameterizedValue.parse(
        "message/external-body; access-type=mail-server server=\"listserv@bogus.bitnet\"");
    assertEquals(List.of(new Param("access-type", "mail-server"), new Param("server", "listserv@bogus.bitnet")),
        v.params());
  }

  @Test
  void continuationsAreJoinedInNumericOrder() {
    ParameterizedValue v = ParameterizedValue.parse(
        "message/external-body; access-type=URL; URL*1=\"cme/file.txt\"; URL*0=\"ftp://\"");
    assertEquals(List.of(new Param("access-type", "URL"), new Param("url", "ftp://cme/file.txt")), v.params());
  }

  @Test
  void garbageGivesWhatCanBeSalvagedAndNeverThrows() {
    assertEquals(List.of(new Param("b", "c")), ParameterizedValue.parse(";;; =a; b=c; \"unterminated").params());
    assertEquals("", ParameterizedValue.parse("").value());
  }

  @Test
  void aForgottenSemicolonAfterAnEmptyQuotedValueStillEndsIt() {
    ParameterizedValue v = ParameterizedValue.parse("multipart/mixed; boundary=1; comment=\"\"\r\n  comment=\"x\"");
    assertEquals(List.of(new Param("boundary", "1"), new Param("comment", "")), v.params());
  }
}
