package org.mailhive.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModifiedUtf7Test {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // RFC 3501 §5.1.3's example, and Dovecot's favourites
      "~peter/mail/&U,BTFw-/&ZeVnLIqe-|~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e",
      "Entw&APw-rfe|Entw\u00fcrfe",
      "Tom &- Jerry|Tom & Jerry",
      "INBOX|INBOX"})
  void decodesAndEncodesTheRfcExamples(String wire, String unicode) {
    assertEquals(unicode, ModifiedUtf7.decode(wire));
    assertEquals(wire, ModifiedUtf7.encode(unicode));
  }

  @ParameterizedTest
  @ValueSource(strings = {"&Jjo!", "&U,BTFw", "&AGE-", "caf\u00e9", "a\tb", "&2D0-"})
  void rejectsNamesThatAreNotModifiedUtf7(String wire) {
    assertFalse(ModifiedUtf7.isValid(wire));
  }
}
