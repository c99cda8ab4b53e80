package org.mailhive.smtp.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BdatCommandTest {
  @Test
  void readsSizeAndLastAsInRfc3030Examples() throws Exception {
    assertEquals(new BdatCommand(86, false), BdatCommand.parse("86"));
    assertEquals(new BdatCommand(0, true), BdatCommand.parse("0 LAST"));
    assertEquals(new BdatCommand(70, true), BdatCommand.parse("70 last"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "LAST", "-1", "12 FIRST", "1 LAST x", "1x", "1234567890123456789"})
  void refusesAnythingElse(String argument) {
    assertThrows(ParameterException.class, () -> BdatCommand.parse(argument));
  }
}
