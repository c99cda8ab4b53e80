package org.mailhive.imap.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeywordsTest {
  @Test
  void aNewKeywordIsAnnouncedOnceInFlagsAndPermanentFlags() {
    Keywords k = new Keywords();
    k.learn(List.of("\\Seen", "$Forwarded"));
    k.told();
    List<String> out = new ArrayList<>();
    k.announce(out::add, false);
    assertEquals(List.of(), out, "nothing new since SELECT");
    k.learn(List.of("userflag", "\\Deleted", "$forwarded"));
    k.announce(out::add, false);
    assertEquals(List.of("FLAGS (\\Answered \\Deleted \\Draft \\Flagged \\Seen $Forwarded userflag)",
        "OK [PERMANENTFLAGS (\\Answered \\Deleted \\Draft \\Flagged \\Seen $Forwarded userflag \\*)] Flags permitted"), out);
    out.clear();
    k.learn(List.of("userflag"));
    k.announce(out::add, false);
    assertEquals(List.of(), out);
  }

  @Test
  void aReadOnlyMailboxPermitsNoFlags() {
    Keywords k = new Keywords();
    k.learn(List.of("x"));
    assertEquals("OK [PERMANENTFLAGS ()] Flags permitted", k.permanentFlagsResponse(true));
    assertEquals("FLAGS (\\Answered \\Deleted \\Draft \\Flagged \\Seen x)", k.flagsResponse());
  }
}
