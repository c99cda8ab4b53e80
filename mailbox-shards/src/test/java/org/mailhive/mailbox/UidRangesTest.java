package org.mailhive.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UidRangesTest {
  private static UidRanges.Range r(long a, long b) {
    return new UidRanges.Range(a, b);
  }

  @Test
  void collapsesConsecutiveUidsInAnyOrderIntoRanges() {
    assertEquals("1:3,5,7:8", UidRanges.of(List.of(8L, 2L, 1L, 3L, 5L, 7L, 2L)).text());
    assertEquals("", UidRanges.of(List.of()).text());
    assertTrue(UidRanges.NONE.none());
  }

  @Test
  void normalisesOverlappingTouchingAndReversedRanges() {
    UidRanges set = UidRanges.ofRanges(List.of(r(9, 7), r(1, 3), r(4, 4), r(2, 5)));
    assertEquals("1:5,7:9", set.text());
    assertEquals(8, set.count());
    assertTrue(set.contains(7));
    assertFalse(set.contains(6));
    assertFalse(set.contains(10));
  }

  @Test
  void intersectsRangeByRangeWithoutWalkingMembers() {
    UidRanges a = UidRanges.ofRanges(List.of(r(1, 10), r(20, 30)));
    UidRanges b = UidRanges.ofRanges(List.of(r(5, 25), r(29, 4_294_967_295L)));
    assertEquals("5:10,20:25,29:30", a.intersect(b).text());
    assertEquals("", a.intersect(UidRanges.NONE).text());
  }

  @Test
  void filtersMembersAndUnitesSets() {
    UidRanges a = UidRanges.ofRanges(List.of(r(1, 6)));
    assertEquals("2,4,6", a.filter(u -> u % 2 == 0).text());
    assertEquals("1:6,8", a.union(UidRanges.of(List.of(8L))).text());
    var it = UidRanges.of(List.of(3L, 4L, 9L)).members();
    assertEquals(3, it.nextLong());
    assertEquals(4, it.nextLong());
    assertEquals(9, it.nextLong());
    assertFalse(it.hasNext());
  }
}
