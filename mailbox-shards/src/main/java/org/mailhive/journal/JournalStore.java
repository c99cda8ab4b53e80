package org.mailhive.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * One node's journal on disk: LevelDB (leveldbjni, as Pekko's own LevelDB journal uses), key = persistence id,
 * a zero byte and the big-endian sequence number, value = the serialized {@code PersistentRepr}; plus one key per
 * persistence id (id, byte 1) holding its highest sequence number, which deletion never lowers. Every write is
 * one batch written with {@code sync}, so it is on disk when the call returns (same fsync as
 * {@code pekko.persistence.journal.leveldb.fsync = on}).
 *
 * <p>The journal plugin (writes of local entities) and the {@link ReplicaReceiver} (writes sent by other nodes)
 * share one open store per directory: LevelDB allows one opener per process, and both write the same keys.
 */
public final class JournalStore {
  private static final Map<Path, JournalStore> OPEN = new HashMap<>();
  private static final byte EVENT = 0;
  private static final byte HIGHEST = 1;

  private final Path dir;
  private final DB db;
  private int users;

  private JournalStore(Path dir, DB db) {
    this.dir = dir;
    this.db = db;
  }

  /** Opens (or shares) the store in {@code dir}; every open is paired with a {@link #release()}. */
  public static synchronized JournalStore acquire(Path dir) {
    Path key = dir.toAbsolutePath().normalize();
    JournalStore store = OPEN.get(key);
    if (store == null) {
      try {
        File f = key.toFile();
        f.mkdirs();
        store = new JournalStore(key, JniDBFactory.factory.open(f, new Options().createIfMissing(true)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open journal at " + key, e);
      }
      OPEN.put(key, store);
    }
    store.users++;
    return store;
  }

  public void release() {
    synchronized (JournalStore.class) {
      if (--users == 0) {
        OPEN.remove(dir);
        try {
          db.close();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot close journal at " + dir, e);
        }
      }
    }
  }

  public record Entry(long seqNr, byte[] bytes) {}

  /** Writes the entries of one persistence id in one synced batch; earlier entries at the same numbers are replaced. */
  public synchronized void write(String persistenceId, List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long highest = highest(persistenceId);
    try (WriteBatch batch = db.createWriteBatch()) {
      for (Entry e : entries) {
        batch.put(eventKey(persistenceId, e.seqNr()), e.bytes());
        highest = Math.max(highest, e.seqNr());
      }
      batch.put(highestKey(persistenceId), ByteBuffer.allocate(Long.BYTES).putLong(highest).array());
      db.write(batch, new WriteOptions().sync(true));
    } catch (IOException e) {
      throw new UncheckedIOException("journal write failed for " + persistenceId, e);
    }
  }

  public long highest(String persistenceId) {
    byte[] v = db.get(highestKey(persistenceId));
    return v == null ? 0L : ByteBuffer.wrap(v).getLong();
  }

  /** Entries from {@code from} to {@code to} (inclusive) in order, at most {@code max}; deleted ones are absent. */
  public List<Entry> read(String persistenceId, long from, long to, long max) {
    List<Entry> out = new ArrayList<>();
    byte[] prefix = prefix(persistenceId, EVENT);
    try (DBIterator it = db.iterator()) {
      it.seek(eventKey(persistenceId, Math.max(0, from)));
      while (it.hasNext() && out.size() < max) {
        Map.Entry<byte[], byte[]> kv = it.next();
        byte[] k = kv.getKey();
        if (k.length != prefix.length + Long.BYTES || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        long seq = ByteBuffer.wrap(k, prefix.length, Long.BYTES).getLong();
        if (seq > to) {
          break;
        }
        out.add(new Entry(seq, kv.getValue()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("journal read failed for " + persistenceId, e);
    }
    return out;
  }

  /**
   * Takes back entries this node wrote for a write that then failed and was never acknowledged (its replica could
   * not be reached while the cluster had not decided who keeps the shard): left here, they would reappear at the
   * next replay, or clash with the events the shard's new primary writes under the same numbers. An entry that
   * something else has overwritten since is left, and the highest number is lowered only if these were the last.
   */
  public synchronized void rollBack(String persistenceId, List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).seqNr();
    long last = entries.get(entries.size() - 1).seqNr();
    try (WriteBatch batch = db.createWriteBatch()) {
      for (Entry e : entries) {
        byte[] key = eventKey(persistenceId, e.seqNr());
        if (Arrays.equals(db.get(key), e.bytes())) {
          batch.delete(key);
        }
      }
      if (highest(persistenceId) == last) {
        batch.put(highestKey(persistenceId), ByteBuffer.allocate(Long.BYTES).putLong(first - 1).array());
      }
      db.write(batch, new WriteOptions().sync(true));
    } catch (IOException e) {
      throw new UncheckedIOException("journal roll-back failed for " + persistenceId, e);
    }
  }

  /** Deletes entries up to {@code to}; the highest sequence number stays. */
  public synchronized void deleteTo(String persistenceId, long to) {
    long upTo = Math.min(to, highest(persistenceId));
    try (WriteBatch batch = db.createWriteBatch()) {
      for (Entry e : read(persistenceId, 0, upTo, Long.MAX_VALUE)) {
        batch.delete(eventKey(persistenceId, e.seqNr()));
      }
      db.write(batch, new WriteOptions().sync(true));
    } catch (IOException e) {
      throw new UncheckedIOException("journal delete failed for " + persistenceId, e);
    }
  }

  private static byte[] prefix(String persistenceId, byte kind) {
    byte[] id = persistenceId.getBytes(StandardCharsets.UTF_8);
    byte[] p = Arrays.copyOf(id, id.length + 1);
    p[id.length] = kind;
    return p;
  }

  private static byte[] eventKey(String persistenceId, long seqNr) {
    byte[] p = prefix(persistenceId, EVENT);
    return ByteBuffer.allocate(p.length + Long.BYTES).put(p).putLong(seqNr).array();
  }

  private static byte[] highestKey(String persistenceId) {
    return prefix(persistenceId, HIGHEST);
  }
}
