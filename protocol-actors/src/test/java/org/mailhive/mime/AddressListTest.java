package org.mailhive.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressListTest {
  private static String render(String header) {
    return AddressList.toImap(AddressList.parse(header));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "mooch@owatagu.siam.edu | ((NIL NIL \"mooch\" \"owatagu.siam.edu\"))",
      "Fred Foobar <foobar@Blurdybloop.COM> | ((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\"))",
      "\"Brian G. Hutton\" <brian@example.org> | ((\"Brian G. Hutton\" NIL \"brian\" \"example.org\"))",
      "Brian G. Hutton <brian@example.org> | ((\"Brian G. Hutton\" NIL \"brian\" \"example.org\"))",
      "\"David \\\"Duke\\\" Bowie\" <duke@example.org> | ((\"David \\\"Duke\\\" Bowie\" NIL \"duke\" \"example.org\"))",
      "jdoe@example.org (John Doe) | ((\"John Doe\" NIL \"jdoe\" \"example.org\"))",
      "<@relay.example,@b.example:joe@example.org> | ((NIL \"@relay.example,@b.example\" \"joe\" \"example.org\"))",
      "=?utf-8?q?J=C3=BCrgen?= <j@example.org> | ((\"=?utf-8?q?J=C3=BCrgen?=\" NIL \"j\" \"example.org\"))",
      "a@b.example, <c@d.example> | ((NIL NIL \"a\" \"b.example\")(NIL NIL \"c\" \"d.example\"))",
      "root | ((NIL NIL \"root\" \"MISSING_DOMAIN\"))",
      "Someone Else | ((\"Someone Else\" NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))",
      "<> | ((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))",
      "joe@[192.0.2.1] | ((NIL NIL \"joe\" \"[192.0.2.1]\"))",
  })
  void rendersOneMailboxPerAddress(String header, String expected) {
    assertEquals(expected, render(header));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      // RFC 5322 §A.1.3
      "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>; | "
          + "((NIL NIL \"A Group\" NIL)(\"Ed Jones\" NIL \"c\" \"a.test\")(NIL NIL \"joe\" \"where.test\")"
          + "(\"John\" NIL \"jdoe\" \"one.test\")(NIL NIL NIL NIL))",
      "Undisclosed recipients:; | ((NIL NIL \"Undisclosed recipients\" NIL)(NIL NIL NIL NIL))",
      // Unterminated group, as in James' FetchEnvelope.test: closed at the end of the header.
      "group: john.doe@acme.org, Mary <mary@example.net> | "
          + "((NIL NIL \"group\" NIL)(NIL NIL \"john.doe\" \"acme.org\")(\"Mary\" NIL \"mary\" \"example.net\")"
          + "(NIL NIL NIL NIL))",
      "g:a@b.c;, d@e.f | ((NIL NIL \"g\" NIL)(NIL NIL \"a\" \"b.c\")(NIL NIL NIL NIL)(NIL NIL \"d\" \"e.f\"))",
  })
  void rendersGroupsWithStartAndEndMarkers(String header, String expected) {
    assertEquals(expected, render(header));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {"''", "'   '", "'(just a comment)'", "',,,'"})
  void headerWithoutAddressesIsNil(String header) {
    assertEquals("NIL", render(header));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "'\"unterminated <a@b>'", "'<a@b'", "'a@b (unterminated'", "'>>>;;::@@<<'", "'Joe <a@b> trailing junk, c@d'"})
  void malformedHeadersStillGiveAWellFormedList(String header) {
    String rendered = render(header);
    assertTrue(rendered.equals("NIL") || rendered.matches("\\((\\((NIL|\"[^\"]*\")( (NIL|\"[^\"]*\")){3}\\))+\\)"),
        rendered);
  }
}
