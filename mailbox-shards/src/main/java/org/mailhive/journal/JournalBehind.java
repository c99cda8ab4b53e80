package org.mailhive.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The persistence ids whose replica lacks events because a write completed on this node's copy alone (a degraded
 * write), kept on disk so that the background catch-up of {@link ReplicatedJournal} still sends them after this
 * node restarts, and the admin status still shows them. One file per id, as {@code blob/PendingCopies} does for
 * bodies: no log to replay or compact, and the entries are few (only degraded writes). The file is named by the
 * SHA-256 of the id, because an id may hold any character and be longer than a file name may be; it holds the
 * replica's {@code host:port} on its first line and the id after it. It is written to a temporary name, synced and
 * renamed, and the directory synced, so an entry is durable before the degraded write completes and a crash never
 * leaves half an entry under the real name. All entries are kept in memory as well: every regular write asks
 * whether its id is listed, which must not touch the disk.
 */
public final class JournalBehind {
  private static final String TEMPORARY = ".tmp";
  private final Path dir;
  // persistence id -> the replica (host:port) that lacks its events
  private final Map<String, String> entries = new ConcurrentHashMap<>();

  public JournalBehind(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path f : files) {
          if (f.getFileName().toString().endsWith(TEMPORARY)) {
            // an add that a crash interrupted before its write completed: that write was never acknowledged
            Files.deleteIfExists(f);
            continue;
          }
          String text = Files.readString(f, StandardCharsets.UTF_8);
          int eol = text.indexOf('\n');
          if (eol > 0 && f.getFileName().toString().equals(fileName(text.substring(eol + 1)))) {
            entries.put(text.substring(eol + 1), text.substring(0, eol));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the journal's behind list at " + dir, e);
    }
  }

  /** The journal's list sits beside its LevelDB directory ({@code mailhive.journal.dir}). */
  public static Path besideJournal(Path journalDir) {
    return journalDir.resolveSibling(journalDir.getFileName() + "-behind");
  }

  /** Records that {@code replica} lacks events of {@code persistenceId}; durable when this returns. */
  public synchronized void add(String persistenceId, String replica) {
    if (replica.equals(entries.get(persistenceId))) {
      return;
    }
    String name = fileName(persistenceId);
    Path temporary = dir.resolve(name + TEMPORARY);
    try {
      try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap((replica + "\n" + persistenceId).getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record that the replica lacks events of " + persistenceId, e);
    }
    entries.put(persistenceId, replica);
  }

  /** Forgets {@code persistenceId} once its replica has every event; no disk access if it is not listed. */
  public synchronized void remove(String persistenceId) {
    if (!entries.containsKey(persistenceId)) {
      return;
    }
    try {
      Files.delete(dir.resolve(fileName(persistenceId)));
      fsyncDirectory();
    } catch (NoSuchFileException e) {
      // gone already
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + persistenceId + " from the journal's behind list", e);
    }
    entries.remove(persistenceId);
  }

  public boolean contains(String persistenceId) {
    return entries.containsKey(persistenceId);
  }

  /** Up to {@code max} listed ids, in no particular order. */
  public List<String> persistenceIds(int max) {
    List<String> out = new ArrayList<>();
    for (String pid : entries.keySet()) {
      if (out.size() >= max) {
        break;
      }
      out.add(pid);
    }
    return out;
  }

  /** Every listed id with the replica that lacks its events. */
  public Map<String, String> entries() {
    return Map.copyOf(entries);
  }

  public int size() {
    return entries.size();
  }

  static String fileName(String persistenceId) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(persistenceId.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  // Creating, renaming or deleting a file is durable only once the directory entry is (POSIX).
  private void fsyncDirectory() throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
