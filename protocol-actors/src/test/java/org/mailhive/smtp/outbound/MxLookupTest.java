package org.mailhive.smtp.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MxLookupTest {
  @Test
  void mxHostsAreTriedLowestPreferenceFirstWithoutTheTrailingDot() {
    assertEquals(List.of("mx1.example.org", "mx2.example.org", "backup.example.net"),
        MxLookup.order(List.of("20 mx2.example.org.", "30 backup.example.net.", "10 mx1.example.org.")));
  }

  @Test
  void aNullMxGivesNoHost() {
    assertEquals(List.of(), MxLookup.order(List.of("0 .")));
  }

  @Test
  void anAddressLiteralIsItsOwnRoute() {
    assertEquals(List.of("192.0.2.1"), MxLookup.route("[192.0.2.1]").hosts());
    assertEquals(List.of("2001:db8::1"), MxLookup.route("[IPv6:2001:db8::1]").hosts());
  }
}
