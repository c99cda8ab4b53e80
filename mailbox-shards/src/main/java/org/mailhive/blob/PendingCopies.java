package org.mailhive.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The bodies this node stored on one copy only (the shard's replica did not answer, or none was up), still to be
 * sent to the replica by {@link BlobCatchUp}. Each entry is an empty file {@code SHARD-SHA256} in one directory:
 * creating it and fsyncing the directory makes it durable before the write is acknowledged, deleting it after the
 * replica's Stored removes it, and the list survives a crash without a log to replay or compact. The files are few
 * (only degraded writes) and a directory listing is all {@link #list} needs; the count is kept in memory so the
 * admin status can read it without touching the disk.
 */
public final class PendingCopies {
  private static final Pattern SHARD = Pattern.compile("[0-9A-Za-z_]{1,32}");
  private final Path dir;
  private final AtomicLong count = new AtomicLong();

  public record Entry(String shardId, BlobId blobId) {
    public Entry {
      if (!SHARD.matcher(shardId).matches()) {
        throw new IllegalArgumentException("not a shard id: " + shardId);
      }
    }

    String fileName() {
      return shardId + "-" + blobId.hex();
    }

    static Entry parse(String fileName) {
      int dash = fileName.lastIndexOf('-');
      return new Entry(fileName.substring(0, dash), new BlobId(fileName.substring(dash + 1)));
    }
  }

  public PendingCopies(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      count.set(list(Integer.MAX_VALUE).size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the pending copies at " + dir, e);
    }
  }

  /** Records a body the replica lacks; durable when this returns. Adding an entry twice keeps one. */
  public void add(Entry entry) {
    Path file = dir.resolve(entry.fileName());
    try {
      Files.createFile(file);
      count.incrementAndGet();
      fsyncDirectory();
    } catch (FileAlreadyExistsException e) {
      // already pending: the replica gets it once
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record pending copy " + entry.fileName(), e);
    }
  }

  /** Forgets an entry once the replica has acknowledged the body. */
  public void remove(Entry entry) {
    try {
      Files.delete(dir.resolve(entry.fileName()));
      count.decrementAndGet();
      fsyncDirectory();
    } catch (NoSuchFileException e) {
      // removed already (a second catch-up run sent it too)
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove pending copy " + entry.fileName(), e);
    }
  }

  /** Up to {@code max} entries, in no particular order. */
  public List<Entry> list(int max) throws IOException {
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (out.size() >= max) {
          break;
        }
        String name = f.getFileName().toString();
        try {
          out.add(Entry.parse(name));
        } catch (RuntimeException e) {
          // not one of ours (an editor's backup, a half-written name after a crash): not pending
        }
      }
    }
    return out;
  }

  /** Entries per shard, reading at most {@code max} of them (the admin status; the list is short but unbounded). */
  public java.util.Map<String, Long> countByShard(int max) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    try {
      list(max).forEach(e -> out.merge(e.shardId(), 1L, Long::sum));
    } catch (IOException e) {
      // the directory went away or cannot be read: nothing known to be pending
    }
    return out;
  }

  public long count() {
    return count.get();
  }

  // Creating or deleting a file is durable only once the directory entry is (POSIX).
  private void fsyncDirectory() throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
