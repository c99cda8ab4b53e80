package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;

class BinarySectionsTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 4);
  private static final byte[] BINARY = {0, 1, 2, (byte) 0xff, 'A', 0};

  private static final String MESSAGE = "From: a@example.org\r\n"
      + "Subject: parts\r\n"
      + "MIME-Version: 1.0\r\n"
      + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
      + "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
      + "caf=C3=A9 =\r\nau lait\r\n"
      + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: BASE64\r\n\r\n"
      + Base64.getMimeEncoder().encodeToString(BINARY) + "\r\n"
      + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n"
      + "???\r\n"
      + "--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
      + "--b--\r\n";

  private static ByteString message() {
    return ByteString.fromString(MESSAGE, StandardCharsets.US_ASCII);
  }

  private static FetchCommand.Binary item(String afterFetch) throws ImapParseException {
    ImapArgs args = new ImapArgs(ByteString.fromString(" " + afterFetch, StandardCharsets.US_ASCII), LIMITS);
    return (FetchCommand.Binary) FetchCommand.parse(args, false).items().get(0);
  }

  @Test
  void parsesBinaryPeekAndSizeWithPartials() throws ImapParseException {
    assertEquals(new FetchCommand.Binary("1.2", false, false, -1, -1), item("1 BINARY[1.2]"));
    assertEquals(new FetchCommand.Binary("", true, false, 5, 10), item("1 BINARY.PEEK[]<5.10>"));
    assertEquals(new FetchCommand.Binary("3", false, true, -1, -1), item("1 (BINARY.SIZE[3])"));
  }

  @Test
  void onlyBinaryWithoutPeekSetsSeen() throws ImapParseException {
    ImapArgs args = new ImapArgs(ByteString.fromString(" 1 (BINARY.PEEK[1] BINARY.SIZE[1])",
        StandardCharsets.US_ASCII), LIMITS);
    FetchCommand peek = FetchCommand.parse(args, false);
    assertTrue(peek.needsBody());
    assertEquals(false, peek.setsSeen());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1 BINARY[TEXT]", "1 BINARY[1.HEADER]", "1 BINARY[0]", "1 BINARY[1.x]", "1 BINARY[1",
      "1 BINARY.SIZE[1]<0.5>", "1 BINARY[1]<5>", "1 BINARY.PEAK[1]"})
  void refusesSectionsBinaryDoesNotHave(String afterFetch) {
    assertThrows(ImapParseException.class, () -> item(afterFetch));
  }

  @Test
  void decodesQuotedPrintable() throws Exception {
    assertEquals("caf\u00e9 au lait", BinarySections.decoded(message(), "1").utf8String());
  }

  @Test
  void decodesBase64WhateverTheCaseOfItsName() throws Exception {
    assertArrayEquals(BINARY, BinarySections.decoded(message(), "2").toArray());
  }

  @Test
  void anUnknownEncodingIsRefused() {
    assertThrows(BinarySections.UnknownCte.class, () -> BinarySections.decoded(message(), "3"));
    ImapArgs args = new ImapArgs(ByteString.fromString(" 1 BINARY[3]", StandardCharsets.US_ASCII), LIMITS);
    try {
      String error = BinarySections.check(FetchCommand.parse(args, false), List.of(message()));
      assertEquals(BinarySections.UNKNOWN_CTE + "3", error);
    } catch (ImapParseException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void identityEncodingsAndMissingPartsNeedNoDecoding() throws Exception {
    assertEquals("plain", BinarySections.decoded(message(), "4").utf8String());
    assertEquals(0, BinarySections.decoded(message(), "9").size());
    assertEquals(message(), BinarySections.decoded(message(), ""));
    assertNull(BinarySections.check(item2("1 BINARY[2]"), List.of(message())));
  }

  private static FetchCommand item2(String afterFetch) throws ImapParseException {
    return FetchCommand.parse(new ImapArgs(ByteString.fromString(" " + afterFetch, StandardCharsets.US_ASCII),
        LIMITS), false);
  }

  @Test
  void dataWithNulGoesAsLiteral8AndOtherDataAsAnOrdinaryLiteral() throws Exception {
    ByteStringBuilder out = new ByteStringBuilder();
    StringBuilder text = new StringBuilder("* 1 FETCH (");
    BinarySections.render(out, text, message(), item("1 BINARY[2]"));
    assertEquals("* 1 FETCH (BINARY[2] ~{6}\r\n", out.result().take(27).decodeString(StandardCharsets.ISO_8859_1));
    assertArrayEquals(BINARY, out.result().drop(27).toArray());

    ByteStringBuilder qp = new ByteStringBuilder();
    StringBuilder t = new StringBuilder();
    BinarySections.render(qp, t, message(), item("1 BINARY.PEEK[1]<0.4>"));
    assertEquals("BINARY[1]<0> {4}\r\ncaf\u00c3", qp.result().decodeString(StandardCharsets.ISO_8859_1));

    StringBuilder size = new StringBuilder();
    BinarySections.render(new ByteStringBuilder(), size, message(), item("1 BINARY.SIZE[1]"));
    assertEquals("BINARY.SIZE[1] 13", size.toString());
  }
}
