package org.mailhive.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mailhive.journal.JournalStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The journal's write path on one node: one synced LevelDB batch per call ({@link JournalStore#write}), as every
 * persisted mailbox event takes on the primary and again on the replica. {@code batch} events of 300 bytes (about
 * the size of a serialized MessageAppended) per write. The figure is bounded by the disk's fsync rate, so it says
 * what the machine's disk allows as much as what the code costs; the replica's network hop is not included.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class JournalWriteBenchmark {
  @Param({"1", "10"})
  public int batch;

  private Path dir;
  private JournalStore store;
  private long seqNr;
  private final byte[] event = new byte[300];

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("mailhive-jmh-journal");
    store = JournalStore.acquire(dir);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.release();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public long syncedWrite() {
    List<JournalStore.Entry> entries = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      entries.add(new JournalStore.Entry(++seqNr, event));
    }
    store.write("bench@localhost:INBOX", entries);
    return seqNr;
  }
}
