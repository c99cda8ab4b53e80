package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

class GoneNodeDowningTest {
  private static final Address N1 = node("127.0.0.1");
  private static final Address N2 = node("127.0.0.2");
  private static final Address N3 = node("127.0.0.3");

  @Test
  void twoOfThreeDownTheThirdButOneOfThreeDownsNobody() {
    assertTrue(GoneNodeDowning.keepsMajority(List.of(N1, N2, N3), Set.of(N3)));
    assertTrue(GoneNodeDowning.keepsMajority(List.of(N1, N2, N3), Set.of(N1)));
    assertFalse(GoneNodeDowning.keepsMajority(List.of(N1, N2, N3), Set.of(N1, N2)));
  }

  @Test
  void aOneOneSplitGoesToTheSideWithTheLowestAddressAsKeepMajorityDecides() {
    assertTrue(GoneNodeDowning.keepsMajority(List.of(N1, N2), Set.of(N2)));
    assertFalse(GoneNodeDowning.keepsMajority(List.of(N1, N2), Set.of(N1)));
  }

  @Test
  void nothingUnreachableOrNothingReachableIsNoDecision() {
    assertFalse(GoneNodeDowning.keepsMajority(List.of(N1, N2, N3), Set.of()));
    assertFalse(GoneNodeDowning.keepsMajority(List.of(N1), Set.of(N1)));
  }

  @Test
  void aClosedPortIsRefusedAndAListeningOneAnswers() throws Exception {
    Address listening;
    int closedPort;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listening = new Address("pekko", "mailhive", "127.0.0.1", server.getLocalPort());
      assertEquals(GoneNodeDowning.Probe.ANSWERED, GoneNodeDowning.probe(listening, Duration.ofSeconds(2)));
      closedPort = server.getLocalPort();
    }
    Address closed = new Address("pekko", "mailhive", "127.0.0.1", closedPort);
    assertEquals(GoneNodeDowning.Probe.REFUSED, GoneNodeDowning.probe(closed, Duration.ofSeconds(2)));
  }

  private static Address node(String host) {
    return new Address("pekko", "mailhive", host, 25520);
  }
}
