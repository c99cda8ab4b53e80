package org.mailhive.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessMemoryTest {
  @TempDir Path proc;

  private void process(long pid, long ppid, String comm, long rssKib, long pssKib) throws Exception {
    Path d = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(d.resolve("stat"), pid + " (" + comm + ") S " + ppid + " 1 1 0 -1");
    Files.writeString(d.resolve("status"), "Name:\t" + comm + "\nVmRSS:\t  " + rssKib + " kB\nThreads:\t1\n");
    Files.writeString(d.resolve("smaps_rollup"), "00400000-7ff ---p 00000000 00:00 0 [rollup]\nRss: " + rssKib
        + " kB\nPss:   " + pssKib + " kB\n");
  }

  @Test
  void sumsAProcessAndAllItsDescendantsButNotItsSiblings() throws Exception {
    process(1, 0, "init", 1000, 1000);
    process(10, 1, "dovecot", 100, 50);
    process(11, 10, "imap-login", 20, 10);
    process(12, 11, "imap (odd) name", 3, 2);
    process(20, 1, "postfix", 7000, 7000);
    ProcessMemory.Sample s = new ProcessMemory(proc).sample(List.of(10L));
    assertEquals(new ProcessMemory.Sample(3, 123, 62), s);
  }

  @Test
  void readsTheRealServerTreeOfThisJvm() throws Exception {
    ProcessMemory.Sample s = ProcessMemory.linux().sample(List.of(ProcessHandle.current().pid()));
    assertTrue(s.processes() >= 1 && s.rssKib() > 1024, s.toString());
  }
}
