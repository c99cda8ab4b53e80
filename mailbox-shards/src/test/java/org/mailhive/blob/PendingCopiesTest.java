package org.mailhive.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingCopiesTest {
  @TempDir
  Path dir;

  private static PendingCopies.Entry entry(String shard, String body) {
    return new PendingCopies.Entry(shard, BlobStore.idOf(ByteString.fromString(body)));
  }

  @Test
  void entriesSurviveReopeningTheList() throws Exception {
    PendingCopies first = new PendingCopies(dir.resolve("pending"));
    first.add(entry("17", "one"));
    first.add(entry("17", "two"));
    first.add(entry("3", "one"));

    PendingCopies reopened = new PendingCopies(dir.resolve("pending"));
    assertEquals(3, reopened.count());
    assertEquals(Set.of(entry("17", "one"), entry("17", "two"), entry("3", "one")),
        new HashSet<>(reopened.list(10)));
  }

  @Test
  void anAcknowledgedEntryIsGoneAlsoAfterReopening() throws Exception {
    PendingCopies pending = new PendingCopies(dir.resolve("pending"));
    pending.add(entry("17", "one"));
    pending.add(entry("17", "two"));

    pending.remove(entry("17", "one"));

    assertEquals(1, pending.count());
    assertEquals(List.of(entry("17", "two")), pending.list(10));
    assertEquals(List.of(entry("17", "two")), new PendingCopies(dir.resolve("pending")).list(10));
  }

  @Test
  void addingTwiceKeepsOneAndRemovingTwiceCountsOnce() throws Exception {
    PendingCopies pending = new PendingCopies(dir.resolve("pending"));
    pending.add(entry("5", "same"));
    pending.add(entry("5", "same"));
    assertEquals(1, pending.count());

    pending.remove(entry("5", "same"));
    pending.remove(entry("5", "same"));
    assertEquals(0, pending.count());
    assertEquals(List.of(), pending.list(10));
  }

  @Test
  void listTakesAtMostTheBatchAndSkipsForeignFiles() throws Exception {
    PendingCopies pending = new PendingCopies(dir.resolve("pending"));
    for (int i = 0; i < 5; i++) {
      pending.add(entry("9", "body " + i));
    }
    Files.createFile(dir.resolve("pending").resolve("notes.txt~"));

    assertEquals(2, pending.list(2).size());
    assertEquals(5, pending.list(100).size());
    assertEquals(5, new PendingCopies(dir.resolve("pending")).count());
  }
}
