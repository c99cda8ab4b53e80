package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 5322 §3.6.4 msg-ids as THREAD=REFERENCES reads them. */
class MessageIdsTest {

  @Test
  void readsEveryIdInOrderAndIgnoresWhatIsBetweenThem() {
    assertEquals(List.of("a@x", "b@y.example", "c@z"),
        MessageIds.all("<a@x> (comment) <b@y.example>\r\n\t\"phrase\" <c@z>"));
  }

  @Test
  void dropsFoldingWhiteSpaceInsideAnIdAndKeepsItsCase() {
    assertEquals(List.of("Long.Id@Host"), MessageIds.all("<Long.Id\r\n @Host>"));
  }

  @Test
  void skipsTextInAngleBracketsThatIsNotAMessageId() {
    assertEquals(List.of("ok@x"), MessageIds.all("<no-at-sign> <@x> <y@> <junk <ok@x>"));
    assertNull(MessageIds.first("no ids here"));
    assertNull(MessageIds.first(null));
    assertNull(MessageIds.first("<unterminated@x"));
  }
}
