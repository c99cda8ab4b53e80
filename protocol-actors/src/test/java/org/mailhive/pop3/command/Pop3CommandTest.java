package org.mailhive.pop3.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.mailhive.pop3.parse.Pop3CommandLine;
import org.mailhive.pop3.parse.Pop3ParseException;

class Pop3CommandTest {

  private static Pop3Command parse(String line) throws Pop3ParseException {
    return Pop3Command.parse(Pop3CommandLine.parse(line));
  }

  @Test
  void parsesTheExamplesOfRfc1939CaseInsensitively() throws Exception {
    assertEquals(new Pop3Command.User("frated"), parse("USER frated"));
    assertEquals(new Pop3Command.Pass("secret"), parse("pass secret"));
    assertEquals(new Pop3Command.Stat(), parse("STAT"));
    assertEquals(new Pop3Command.Listing(false, Optional.of(2)), parse("LIST 2"));
    assertEquals(new Pop3Command.Listing(false, Optional.empty()), parse("LIST"));
    assertEquals(new Pop3Command.Retrieve(1, Optional.empty()), parse("RETR 1"));
    assertEquals(new Pop3Command.Dele(1), parse("DELE 1"));
    assertEquals(new Pop3Command.Retrieve(1, Optional.of(10)), parse("TOP 1 10"));
    assertEquals(new Pop3Command.Retrieve(1, Optional.of(0)), parse("TOP 1 0"));
    assertEquals(new Pop3Command.Listing(true, Optional.of(2)), parse("UIDL 2"));
    assertEquals(new Pop3Command.Quit(), parse("QUIT"));
  }

  @Test
  void keepsSpacesInsideAPassword() throws Exception {
    assertEquals(new Pop3Command.Pass("correct horse  battery"), parse("PASS correct horse  battery"));
  }

  @Test
  void parsesAuthWithAndWithoutAnInitialResponse() throws Exception {
    assertEquals(new Pop3Command.Auth(Optional.of("PLAIN"), Optional.of("AGEAYg==")), parse("AUTH PLAIN AGEAYg=="));
    assertEquals(new Pop3Command.Auth(Optional.of("PLAIN"), Optional.empty()), parse("AUTH PLAIN"));
    assertEquals(new Pop3Command.Auth(Optional.empty(), Optional.empty()), parse("AUTH"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "RETR", "RETR 0", "RETR -1", "RETR x", "RETR 1 2", "DELE", "TOP 1", "TOP 1 x",
      "STAT 1", "QUIT now", "LIST 1 2", "USER", "USER a b", "PASS", "XYZZY", "RETR 9999999999", "STLS x",
      "AUTH PLAIN a b", "LIST  1"})
  void rejectsMalformedCommandsWithAParseError(String line) {
    assertThrows(Pop3ParseException.class, () -> parse(line));
  }

  @Test
  void everyRequestTypeHasAKeyword() {
    Set<String> parsed = Arrays.stream(new String[] {"USER a", "PASS a", "AUTH", "STLS", "CAPA", "QUIT", "STAT",
        "LIST", "RETR 1", "DELE 1", "NOOP", "RSET"}).map(l -> {
          try {
            return parse(l).getClass().getSimpleName();
          } catch (Pop3ParseException e) {
            throw new AssertionError(e);
          }
        }).collect(Collectors.toSet());
    Set<String> declared = Arrays.stream(Pop3Command.class.getPermittedSubclasses())
        .map(Class::getSimpleName).collect(Collectors.toSet());
    assertEquals(declared, parsed);
  }
}
