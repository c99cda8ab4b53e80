package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapLimits;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.quota.Quota;
import org.mailhive.quota.Usage;

class QuotaCommandTest {
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, 4);

  private static ImapArgs args(String text) {
    return new ImapArgs(ByteString.fromString(text), LIMITS);
  }

  @Test
  void parsesTheRfc9208Examples() throws Exception {
    assertEquals("INBOX", QuotaCommand.parseGetQuotaRoot(args(" INBOX")));
    assertEquals("", QuotaCommand.parseGetQuota(args(" \"\"")));
    assertEquals(Map.of("STORAGE", 512L), QuotaCommand.parseSetQuota(args(" \"\" (STORAGE 512)")));
    assertEquals(Map.of("STORAGE", 512L, "MESSAGE", 10L),
        QuotaCommand.parseSetQuota(args(" \"\" (storage 512 MESSAGE 10)")));
    assertEquals(Map.of(), QuotaCommand.parseSetQuota(args(" \"\" ()")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", " \"\" STORAGE 512", " \"\" (STORAGE)", " \"\" (STORAGE x)", " \"\" (STORAGE 1",
      " \"\" (STORAGE 1) extra", " \"\" (STORAGE  1)"})
  void malformedSetQuotaIsAParseError(String text) {
    assertThrows(ImapParseException.class, () -> QuotaCommand.parseSetQuota(args(text)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", " \"\" extra", " \"unterminated"})
  void malformedGetQuotaIsAParseError(String text) {
    assertThrows(ImapParseException.class, () -> QuotaCommand.parseGetQuota(args(text)));
  }

  @Test
  void reportsOnlyTheLimitedResourcesInKib() {
    Usage usage = new Usage(10 * 1024 + 1, 3);
    assertEquals("QUOTA \"\" (STORAGE 11 512 MESSAGE 3 100)", QuotaCommand.quota(new Quota(512 * 1024, 100), usage));
    assertEquals("QUOTA \"\" (MESSAGE 3 100)", QuotaCommand.quota(new Quota(0, 100), usage));
    assertEquals("QUOTA \"\" (STORAGE 11 512)", QuotaCommand.quota(new Quota(512 * 1024, 0), usage));
  }

  @Test
  void aUserWithoutLimitsHasNoQuotaRoot() {
    assertEquals("QUOTAROOT \"INBOX\" \"\"", QuotaCommand.quotaRoot("INBOX", new Quota(0, 100)));
    assertEquals("QUOTAROOT \"INBOX\"", QuotaCommand.quotaRoot("INBOX", Quota.UNLIMITED));
  }
}
