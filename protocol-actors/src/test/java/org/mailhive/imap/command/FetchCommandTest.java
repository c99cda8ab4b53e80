package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;

class FetchCommandTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 4);

  private static FetchCommand.Section section(String afterFetch) throws ImapParseException {
    ImapArgs args = new ImapArgs(ByteString.fromString(" " + afterFetch, StandardCharsets.US_ASCII), LIMITS);
    return (FetchCommand.Section) FetchCommand.parse(args, false).items().get(0);
  }

  @Test
  void headerFieldNamesAreEchoedAsTheClientWroteThem() throws ImapParseException {
    FetchCommand.Section s = section("1 (BODY.PEEK[HEADER.FIELDS (From to)])");
    assertEquals("BODY[HEADER.FIELDS (From to)]", s.responseName());
  }

  @Test
  void headerFieldNamesAreMatchedWithoutRegardToCase() throws ImapParseException {
    FetchCommand.Section s = section("1 BODY[HEADER.FIELDS.NOT (Subject \"x-Odd\")]");
    assertEquals(List.of("SUBJECT", "X-ODD"), s.fields());
    assertEquals("BODY[HEADER.FIELDS.NOT (Subject x-Odd)]", s.responseName());
  }

  @Test
  void aHeaderFieldNameThatIsNoAtomIsEchoedQuoted() throws ImapParseException {
    FetchCommand.Section s = section("1 BODY[1.HEADER.FIELDS (\"a b\")]");
    assertEquals("BODY[1.HEADER.FIELDS (\"a b\")]", s.responseName());
  }
}
