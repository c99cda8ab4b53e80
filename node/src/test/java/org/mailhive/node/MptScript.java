package org.mailhive.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One James MPT script (format in ../shared/conformance/README.md), parsed into steps per session. Lines
 * before the first {@code SESSION:} are repeated for every session; WAIT, AWAIT, LOG and TIMER are dropped
 * (they only slow James' own harness down; our OK is sent after the change is durable and pushed).
 */
record MptScript(String name, List<Step> steps) {
  enum Kind { SEND, EXPECT, EXPECT_CONTINUATION, EXPECT_UNORDERED, REINIT }

  record Step(int session, Kind kind, String text, List<String> unordered) {}

  static MptScript parse(String name, Path file, List<Integer> sessions) throws IOException {
    List<Step> common = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    int session = 0;
    List<String> sub = null;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String line = raw;
      String trimmed = line.trim();
      if (sub != null) {
        if (trimmed.equals("}")) {
          add(session, new Step(session, Kind.EXPECT_UNORDERED, "", List.copyOf(sub)), common, steps);
          sub = null;
        } else if (line.startsWith("S:")) {
          sub.add(expected(line));
        }
        continue;
      }
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("LOG") || trimmed.startsWith("TIMER")
          || trimmed.startsWith("WAIT") || trimmed.equals("AWAIT")) {
        continue;
      }
      if (line.startsWith("SESSION:")) {
        session = Integer.parseInt(line.substring(8).trim());
      } else if (trimmed.startsWith("SUB {")) {
        sub = new ArrayList<>();
      } else if (line.startsWith("C: ") || line.equals("C:")) {
        add(session, new Step(session, Kind.SEND, line.length() > 3 ? line.substring(3) : "", List.of()), common, steps);
      } else if (line.startsWith("S:")) {
        String expected = expected(line);
        Kind kind = expected.equals("\\+ Ok") || expected.startsWith("\\+") ? Kind.EXPECT_CONTINUATION : Kind.EXPECT;
        add(session, new Step(session, kind, expected, List.of()), common, steps);
      } else if (trimmed.equals("REINIT")) {
        add(session, new Step(session, Kind.REINIT, "", List.of()), common, steps);
      }
    }
    List<Step> all = new ArrayList<>();
    for (int s : sessions) {
      for (Step c : common) {
        all.add(new Step(s, c.kind(), c.text(), c.unordered()));
      }
    }
    all.addAll(steps);
    return new MptScript(name, all);
  }

  /** "S: regex", or a bare "S:" for an empty line (the blank line ending a header inside a literal). */
  private static String expected(String line) {
    return line.length() > 3 ? line.substring(3) : "";
  }

  private static void add(int session, Step step, List<Step> common, List<Step> steps) {
    (session == 0 ? common : steps).add(step);
  }
}
