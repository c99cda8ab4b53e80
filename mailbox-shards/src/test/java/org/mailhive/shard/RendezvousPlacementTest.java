package org.mailhive.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RendezvousPlacementTest {
  private static final int SHARDS = 1000;
  private static final String A = "127.0.0.1:25520";
  private static final String B = "127.0.0.2:25520";
  private static final String C = "127.0.0.3:25520";
  private static final String D = "127.0.0.4:25520";

  private static Map<String, Integer> counts(Map<String, Integer> weights) {
    Map<String, Integer> counts = new HashMap<>();
    weights.keySet().forEach(n -> counts.put(n, 0));
    for (int s = 0; s < SHARDS; s++) {
      counts.merge(RendezvousPlacement.primary(Integer.toString(s), weights), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void everyNodeComputesTheSameOrderWhateverTheMapOrder() {
    Map<String, Integer> w1 = new java.util.LinkedHashMap<>();
    w1.put(A, 100);
    w1.put(B, 100);
    w1.put(C, 100);
    Map<String, Integer> w2 = new java.util.LinkedHashMap<>();
    w2.put(C, 100);
    w2.put(A, 100);
    w2.put(B, 100);
    for (int s = 0; s < 100; s++) {
      assertEquals(RendezvousPlacement.ranking("" + s, w1), RendezvousPlacement.ranking("" + s, w2));
    }
  }

  @Test
  void equalWeightsSpreadShardsEvenly() {
    Map<String, Integer> counts = counts(Map.of(A, 100, B, 100, C, 100));
    counts.values().forEach(c -> assertTrue(c > 280 && c < 390, "share out of range: " + counts));
  }

  @Test
  void sharesFollowTheWeights() {
    Map<String, Integer> counts = counts(Map.of(A, 100, B, 100, C, 200));
    assertTrue(counts.get(C) > 430 && counts.get(C) < 570, counts.toString());
  }

  @Test
  void addingANodeMovesOnlyShardsThatGoToTheNewNode() {
    Map<String, Integer> three = Map.of(A, 100, B, 100, C, 100);
    Map<String, Integer> four = Map.of(A, 100, B, 100, C, 100, D, 100);
    int moved = 0;
    for (int s = 0; s < SHARDS; s++) {
      String before = RendezvousPlacement.primary("" + s, three);
      String after = RendezvousPlacement.primary("" + s, four);
      if (!before.equals(after)) {
        assertEquals(D, after, "shard " + s + " moved between old nodes");
        moved++;
      }
    }
    assertTrue(moved > 180 && moved < 320, "about a quarter should move, moved " + moved);
  }

  @Test
  void removingANodeMovesItsShardsToTheirSecondChoiceAndNothingElse() {
    Map<String, Integer> three = Map.of(A, 100, B, 100, C, 100);
    Map<String, Integer> withoutC = Map.of(A, 100, B, 100);
    for (int s = 0; s < SHARDS; s++) {
      List<String> order = RendezvousPlacement.ranking("" + s, three);
      String after = RendezvousPlacement.primary("" + s, withoutC);
      assertEquals(order.get(0).equals(C) ? order.get(1) : order.get(0), after, "shard " + s);
    }
  }

  @Test
  void weightZeroGetsNoShardWhileAnotherNodeHasWeight() {
    Map<String, Integer> counts = counts(Map.of(A, 100, B, 0, C, 100));
    assertEquals(0, counts.get(B));
    for (int s = 0; s < 50; s++) {
      assertEquals(B, RendezvousPlacement.ranking("" + s, Map.of(A, 100, B, 0, C, 100)).get(2));
    }
  }

  @Test
  void drainingANodeMovesExactlyItsShardsToTheirNextChoice() {
    Map<String, Integer> before = Map.of(A, 100, B, 100, C, 100);
    Map<String, Integer> drained = Map.of(A, 100, B, 0, C, 100);
    for (int s = 0; s < SHARDS; s++) {
      List<String> order = RendezvousPlacement.ranking("" + s, before);
      String after = RendezvousPlacement.primary("" + s, drained);
      assertEquals(order.get(0).equals(B) ? order.get(1) : order.get(0), after, "shard " + s);
    }
  }

  @Test
  void whenEveryNodeIsDrainedShardsStillHaveAHome() {
    assertEquals(Set.of(A, B), Set.copyOf(RendezvousPlacement.ranking("7", Map.of(A, 0, B, 0))));
    assertTrue(RendezvousPlacement.primary("7", Map.of(A, 0, B, 0)) != null);
    assertEquals(null, RendezvousPlacement.primary("7", Map.of()));
  }

  @Test
  void rebalanceMovesShardsOffADrainedNodeOnlyUpToTheLimit() {
    Map<String, List<String>> current = Map.of(A, List.of("1", "2"), B, List.of("3", "4", "5", "6"), C, List.of("7"));
    Set<String> moves = RendezvousAllocationStrategy.drainMoves(current, Map.of(A, 100, B, 0, C, 100), Set.of("4"), 3);
    assertEquals(Set.of("3", "5"), moves);
  }

  @Test
  void rebalanceLeavesShardsWhereTheyAreWithoutADrainedNode() {
    Map<String, List<String>> current = Map.of(A, List.of("1", "2", "3", "4"), B, List.of(), C, List.of());
    assertTrue(RendezvousAllocationStrategy.drainMoves(current, Map.of(A, 100, B, 100, C, 100), Set.of(), 10).isEmpty());
  }

  @Test
  void rebalanceKeepsShardsOnADrainedNodeWhenNoNodeCouldTakeThem() {
    Map<String, List<String>> current = Map.of(A, List.of("1"), B, List.of("2"));
    assertTrue(RendezvousAllocationStrategy.drainMoves(current, Map.of(A, 0, B, 0), Set.of(), 10).isEmpty());
  }

  @Test
  void flushMovesEveryShardNotOnItsFirstChoiceThereUpToTheLimit() {
    Map<String, Integer> weights = Map.of(A, 100, B, 100, C, 100);
    List<String> all = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      all.add(String.valueOf(i));
    }
    // Everything on A (as after A alone was up): the shards whose first choice is B or C must move.
    Set<String> misplaced = new java.util.TreeSet<>();
    all.stream().filter(sh -> !RendezvousPlacement.primary(sh, weights).equals(A)).forEach(misplaced::add);
    Map<String, List<String>> current = Map.of(A, all, B, List.of(), C, List.of());
    assertEquals(misplaced, new java.util.TreeSet<>(
        RendezvousAllocationStrategy.flushMoves(current, weights, Set.of(), 100)));
    String inFlight = misplaced.iterator().next();
    Set<String> limited = RendezvousAllocationStrategy.flushMoves(current, weights, Set.of(inFlight), 4);
    assertEquals(3, limited.size());
    assertTrue(misplaced.containsAll(limited) && !limited.contains(inFlight));
  }

  @Test
  void flushMovesNothingWhenEveryShardIsOnItsFirstChoice() {
    Map<String, Integer> weights = Map.of(A, 100, B, 100);
    Map<String, List<String>> current = new java.util.HashMap<>(Map.of(A, new java.util.ArrayList<>(), B,
        new java.util.ArrayList<>()));
    for (int i = 0; i < 20; i++) {
      current.get(RendezvousPlacement.primary(String.valueOf(i), weights)).add(String.valueOf(i));
    }
    assertTrue(RendezvousAllocationStrategy.flushMoves(current, weights, Set.of(), 100).isEmpty());
  }
}
