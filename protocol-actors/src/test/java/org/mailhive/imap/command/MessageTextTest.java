package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class MessageTextTest {
  private static final String ATTACHED = String.join("\r\n",
      "From: a@example.org",
      "Subject: outer",
      "Content-Type: multipart/mixed; boundary=b1",
      "",
      "a preamble",
      "--b1",
      "Content-Type: text/plain; charset=ISO-8859-1",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "caf=E9 au lait",
      "--b1",
      "Content-Type: application/octet-stream",
      "Content-Transfer-Encoding: base64",
      "",
      "SGlkZGVuIHRyZWFzdXJl",
      "--b1",
      "Content-Type: message/rfc822",
      "",
      "From: Timothy <timothy@example.org>",
      "Subject: inner",
      "",
      "inner body",
      "--b1--",
      "");

  private static String body(String message) {
    return MessageText.text(ByteString.fromString(message, StandardCharsets.ISO_8859_1));
  }

  @Test
  void bodySearchTextLeavesOutTheHeadersOfPartsAndAttachedMessages() {
    String text = body(ATTACHED);
    assertTrue(text.contains("inner body"), text);
    assertTrue(text.contains("a preamble"), text);
    assertFalse(text.contains("Timothy"), text);
    assertFalse(text.contains("Content-Type"), text);
  }

  @Test
  void bodySearchTextIsDecodedFromTransferEncodingAndCharset() {
    String text = body(ATTACHED);
    assertTrue(text.contains("café au lait"), text);
    assertTrue(text.contains("Hidden treasure"), text);
  }

  @Test
  void aPartWithBrokenBase64IsSearchedAsStoredAndTheOtherPartsStillDecoded() {
    String text = body(ATTACHED.replace("SGlkZGVuIHRyZWFzdXJl", "ABCDFEGHIJKLMNO"));
    assertTrue(text.contains("ABCDFEGHIJKLMNO"), text);
    assertTrue(text.contains("café au lait"), text);
    assertFalse(text.contains("Timothy"), text);
  }

  @Test
  void textSearchTextHasTheHeaderDecodedAndTheBodyDecoded() {
    String text = MessageText.headerAndText(ByteString.fromString(
        "Subject: =?ISO-8859-1?Q?Caf=E9?= time\r\n" + ATTACHED, StandardCharsets.ISO_8859_1));
    assertTrue(text.contains("Café time"), text);
    assertTrue(text.contains("Hidden treasure"), text);
    assertTrue(text.contains("Timothy"), text);
  }

  @Test
  void aSinglePartMessageIsItsBody() {
    String text = body("Subject: x\r\n\r\nHello there\r\n");
    assertTrue(text.contains("Hello there"), text);
    assertFalse(text.contains("Subject"), text);
  }
}
