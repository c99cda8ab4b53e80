package org.mailhive.smtp.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mailhive.config.NetworkList;
import org.mailhive.directory.UserDirectory;
import org.mailhive.smtp.policy.RelayPolicy.Verdict;

class RelayPolicyTest {
  static UserDirectory directory;

  @BeforeAll
  static void users(@TempDir Path dir) {
    directory = UserDirectory.open(dir.resolve("users"));
    directory.setPassword("alice@example.org", "pw");
  }

  private static Verdict decide(String address, String client, boolean authenticated, List<String> mynetworks)
      throws Exception {
    return new RelayPolicy(directory, NetworkList.parse(mynetworks))
        .decide(address, InetAddress.getByName(client), authenticated);
  }

  @ParameterizedTest
  @CsvSource({
      "alice@example.org, LOCAL", "nobody@example.org, LOCAL", "Alice@EXAMPLE.ORG, LOCAL", "Postmaster, LOCAL",
      "bob@remote.example, RELAY_DENIED", "alice@example.org., RELAY_DENIED", "alice@[127.0.0.1], RELAY_DENIED",
      "bob%remote.example@example.org, RELAY_DENIED", "remote.example!bob@example.org, RELAY_DENIED",
      "\"bob@remote.example\"@example.org, RELAY_DENIED", "\"alice\"@example.org, RELAY_DENIED"})
  void anUnauthenticatedClientOutsideMynetworksMayOnlyReachLocalDomains(String address, Verdict verdict)
      throws Exception {
    assertEquals(verdict, decide(address, "127.0.0.1", false, List.of()));
  }

  @Test
  void noNetworkIsTrustedByDefaultNotEvenLoopback() throws Exception {
    assertEquals(Verdict.RELAY_DENIED, decide("bob@remote.example", "127.0.0.1", false, List.of()));
    assertEquals(Verdict.RELAY_DENIED, decide("bob@remote.example", "::1", false, List.of()));
  }

  @Test
  void authenticatedClientsAndMynetworksMayRelay() throws Exception {
    assertEquals(Verdict.RELAY_ALLOWED, decide("bob@remote.example", "203.0.113.9", true, List.of()));
    assertEquals(Verdict.RELAY_ALLOWED, decide("bob@remote.example", "127.0.0.2", false, List.of("127.0.0.0/8")));
  }

  @Test
  void anExcludedAddressInsideMynetworksMayNotRelay() throws Exception {
    assertEquals(Verdict.RELAY_DENIED,
        decide("bob@remote.example", "127.0.0.1", false, List.of("!127.0.0.1", "127.0.0.0/8")));
  }

  @Test
  void routingTricksAreRefusedEvenForAuthenticatedClients() throws Exception {
    assertEquals(Verdict.RELAY_DENIED, decide("bob%remote.example@example.org", "127.0.0.1", true, List.of()));
    assertEquals(Verdict.RELAY_DENIED, decide("remote.example!bob@example.org", "127.0.0.1", false,
        List.of("127.0.0.0/8")));
  }
}
