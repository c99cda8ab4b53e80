package org.mailhive.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable list of persistence ids whose replica lacks events, on a real directory. */
class JournalBehindTest {
  // Characters a file name may not hold, and an id longer than a file name may be.
  private static final String ODD = "Mailbox|bob@example.org:Archive/2026/../\u00e9t\u00e9\nx";
  private static final String LONG = "Mailbox|carol@example.org:" + "a/".repeat(300);

  @TempDir
  Path dir;

  @Test
  void anAddedIdIsListedWithItsReplicaAndSurvivesReopening() {
    JournalBehind behind = new JournalBehind(dir);
    behind.add(ODD, "127.0.0.1:2552");
    behind.add(LONG, "127.0.0.1:2553");
    behind.add(ODD, "127.0.0.1:2552");
    assertEquals(2, behind.size());

    JournalBehind reopened = new JournalBehind(dir);
    assertEquals(Map.of(ODD, "127.0.0.1:2552", LONG, "127.0.0.1:2553"), reopened.entries());
    assertTrue(reopened.contains(LONG));
  }

  @Test
  void aRemovedIdIsGoneAlsoAfterReopening() {
    JournalBehind behind = new JournalBehind(dir);
    behind.add(ODD, "127.0.0.1:2552");
    behind.add(LONG, "127.0.0.1:2553");
    behind.remove(ODD);
    behind.remove("Mailbox|never@example.org:INBOX");
    assertFalse(behind.contains(ODD));
    assertEquals(List.of(LONG), behind.persistenceIds(10));
    assertEquals(Map.of(LONG, "127.0.0.1:2553"), new JournalBehind(dir).entries());
  }

  @Test
  void aLaterAddNamesTheReplicaOfTheDay() {
    new JournalBehind(dir).add(ODD, "127.0.0.1:2552");
    JournalBehind behind = new JournalBehind(dir);
    behind.add(ODD, "127.0.0.1:2554");
    assertEquals(Map.of(ODD, "127.0.0.1:2554"), new JournalBehind(dir).entries());
  }

  @Test
  void aHalfWrittenEntryFromACrashIsNotListedAndIsCleanedUp() throws Exception {
    Files.writeString(dir.resolve(JournalBehind.fileName(ODD) + ".tmp"), "127.0.0.1:25");
    Files.writeString(dir.resolve("notes.txt"), "not an entry");
    JournalBehind behind = new JournalBehind(dir);
    assertEquals(0, behind.size());
    assertFalse(Files.exists(dir.resolve(JournalBehind.fileName(ODD) + ".tmp")));
  }

  @Test
  void listingStopsAtTheBatchSize() {
    JournalBehind behind = new JournalBehind(dir);
    for (int i = 0; i < 5; i++) {
      behind.add("Mailbox|u" + i + "@example.org:INBOX", "127.0.0.1:2552");
    }
    assertEquals(3, behind.persistenceIds(3).size());
    assertEquals(5, behind.persistenceIds(10).size());
  }
}
