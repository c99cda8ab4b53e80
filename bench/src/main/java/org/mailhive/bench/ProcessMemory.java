package org.mailhive.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resident memory of a server: a process and all its descendants (Dovecot runs one process per IMAP session,
 * Mailhive one JVM), read from Linux's /proc. VmRSS (from /proc/PID/status) counts shared pages (libraries, a
 * master's copy-on-write memory) once per process, so summed over many processes it overstates; Pss (from
 * /proc/PID/smaps_rollup) divides each shared page among the processes sharing it, so its sum is the memory the
 * tree really occupies. Both are reported.
 */
public final class ProcessMemory {
  /** Sum over a process tree, in KiB; {@code processes} is how many processes were counted. */
  public record Sample(int processes, long rssKib, long pssKib) {}

  private final Path proc;

  public ProcessMemory(Path proc) {
    this.proc = proc;
  }

  public static ProcessMemory linux() {
    return new ProcessMemory(Path.of("/proc"));
  }

  /** The tree of every given root: the roots and all their descendants, each counted once. */
  public Sample sample(List<Long> roots) throws IOException {
    Map<Long, List<Long>> children = childrenByParent();
    Set<Long> tree = new LinkedHashSet<>();
    List<Long> todo = new ArrayList<>(roots);
    while (!todo.isEmpty()) {
      long pid = todo.remove(todo.size() - 1);
      if (tree.add(pid)) {
        todo.addAll(children.getOrDefault(pid, List.of()));
      }
    }
    int processes = 0;
    long rss = 0;
    long pss = 0;
    for (long pid : tree) {
      // A process may exit between the scan and the read: it then holds no memory.
      String status = readOrEmpty(proc.resolve(pid + "/status"));
      if (status.isEmpty()) {
        continue;
      }
      processes++;
      rss += kib(status, "VmRSS:");
      pss += kib(readOrEmpty(proc.resolve(pid + "/smaps_rollup")), "Pss:");
    }
    return new Sample(processes, rss, pss);
  }

  private Map<Long, List<Long>> childrenByParent() throws IOException {
    Map<Long, List<Long>> children = new HashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path dir : dirs) {
        long ppid = parentOf(readOrEmpty(dir.resolve("stat")));
        if (ppid > 0) {
          children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(Long.parseLong(dir.getFileName().toString()));
        }
      }
    }
    return children;
  }

  /** /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so parse after the last ')'. */
  static long parentOf(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return -1;
    }
    String[] fields = stat.substring(close + 1).trim().split(" ");
    return fields.length > 1 ? Long.parseLong(fields[1]) : -1;
  }

  /** The number after a "Name:" line of /proc's key-value files, in kB as the kernel writes it; 0 when absent. */
  static long kib(String text, String key) {
    for (String line : text.split("\n")) {
      if (line.startsWith(key)) {
        String v = line.substring(key.length()).trim();
        int space = v.indexOf(' ');
        return Long.parseLong(space < 0 ? v : v.substring(0, space));
      }
    }
    return 0;
  }

  private static String readOrEmpty(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }
}
