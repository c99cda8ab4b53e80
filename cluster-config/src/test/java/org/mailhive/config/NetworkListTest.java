package org.mailhive.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NetworkListTest {
  private static final NetworkList LIST =
      NetworkList.parse(List.of("!192.0.2.7", "192.0.2.0/24", "10.1.0.0/16", "!2001:db8::1", "[2001:db8::]/32"));

  @ParameterizedTest
  @CsvSource({
      "192.0.2.1, true", "192.0.2.255, true", "192.0.2.7, false", "192.0.3.1, false",
      "10.1.200.3, true", "10.2.0.1, false", "127.0.0.1, false",
      "2001:db8::2, true", "2001:db8::1, false", "2001:db9::1, false", "::1, false"})
  void theFirstMatchingEntryDecides(String address, boolean trusted) throws Exception {
    assertEquals(trusted, LIST.contains(InetAddress.getByName(address)));
  }

  @Test
  void anExclusionAfterAnInclusionDoesNotApply() throws Exception {
    NetworkList l = NetworkList.parse(List.of("127.0.0.0/8", "!127.0.0.1"));
    assertTrue(l.contains(InetAddress.getByName("127.0.0.1")));
  }

  @Test
  void anEmptyListTrustsNotEvenLoopback() throws Exception {
    assertFalse(NetworkList.parse(List.of()).contains(InetAddress.getByName("127.0.0.1")));
    assertFalse(NetworkList.EMPTY.contains(InetAddress.getByName("::1")));
  }

  @Test
  void prefixZeroMatchesEveryAddressOfItsFamily() throws Exception {
    NetworkList l = NetworkList.parse(List.of("0.0.0.0/0"));
    assertTrue(l.contains(InetAddress.getByName("203.0.113.9")));
    assertFalse(l.contains(InetAddress.getByName("2001:db8::1")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.org", "10.0.0.0/33", "::1/129", "300.1.1.1", "10.0.0.0/x", "", "!"})
  void refusesWhatIsNotAnAddressOrCidrBlock(String entry) {
    assertThrows(IllegalArgumentException.class, () -> NetworkList.parse(List.of(entry)));
  }
}
