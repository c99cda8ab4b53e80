package org.mailhive.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImapStringsTest {
  @Test
  void plainAsciiBecomesAQuotedString() {
    assertEquals("\"Re: Test 05\"", ImapStrings.quoteOrLiteral("Re: Test 05"));
  }

  @Test
  void backslashAndDoubleQuoteAreEscapedInsideQuotes() {
    assertEquals("\"David \\\"The Duke\\\" C:\\\\\"", ImapStrings.quoteOrLiteral("David \"The Duke\" C:\\"));
  }

  @Test
  void lineBreaksForceALiteral() {
    assertEquals("{4}\r\na\r\nb", ImapStrings.quoteOrLiteral("a\r\nb"));
    assertEquals("{3}\r\na\nb", ImapStrings.quoteOrLiteral("a\nb"));
  }

  @Test
  void eightBitTextForcesALiteralCountedInUtf8Octets() {
    assertEquals("{7}\r\nJürgen", ImapStrings.quoteOrLiteral("Jürgen"));
  }

  @Test
  void nulCannotTravelEvenInALiteralSoItIsReplaced() {
    assertEquals("{5}\r\na\uFFFDb", ImapStrings.quoteOrLiteral("a\0b"));
  }

  @Test
  void emptyStringIsQuotedButEmptyNstringIsNil() {
    assertEquals("\"\"", ImapStrings.quoteOrLiteral(""));
    assertEquals("NIL", ImapStrings.nstring(""));
    assertEquals("NIL", ImapStrings.nstring(null));
    assertEquals("\"x\"", ImapStrings.nstring("x"));
  }
}
