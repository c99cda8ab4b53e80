package org.mailhive.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosScheduleTest {
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);

  @Test
  void eventsParseFromTimeActionAndTargetAndTheTargetMayContainColons() {
    ChaosEvent e = ChaosEvent.parse("90s:run:sh -c 'echo a:b'");
    assertEquals(Duration.ofSeconds(90), e.at());
    assertEquals(ChaosEvent.Action.RUN, e.action());
    assertEquals("sh -c 'echo a:b'", e.target());
    assertEquals(ChaosEvent.Action.KILL, ChaosEvent.parse("20s:KILL:data/node2/node.pid").action());
    assertThrows(IllegalArgumentException.class, () -> ChaosEvent.parse("20s:explode:x"));
    assertThrows(IllegalArgumentException.class, () -> ChaosEvent.parse("20s:kill"));
  }

  @Test
  void killSendsSigkillToThePidInAFileAndTermStopsAProcessGracefully(@TempDir Path dir) throws Exception {
    Process victim = new ProcessBuilder("sleep", "60").start();
    Process graceful = new ProcessBuilder("sleep", "60").start();
    try {
      Path pidFile = Files.writeString(dir.resolve("node.pid"), victim.pid() + "\n");
      ChaosSchedule schedule = new ChaosSchedule(List.of(
          ChaosEvent.parse("0s:kill:" + pidFile),
          ChaosEvent.parse("0s:term:" + graceful.pid()),
          ChaosEvent.parse("0s:run:exit 3"),
          ChaosEvent.parse("0s:kill:" + dir.resolve("missing.pid"))), Duration.ofSeconds(20), log);
      schedule.start();
      List<String> outcomes = schedule.finish(Duration.ofSeconds(60));
      assertEquals(4, outcomes.size(), outcomes.toString());
      assertTrue(victim.waitFor(10, TimeUnit.SECONDS));
      assertEquals(137, victim.exitValue(), "128 + SIGKILL");
      assertTrue(graceful.waitFor(10, TimeUnit.SECONDS));
      assertEquals(143, graceful.exitValue(), "128 + SIGTERM");
      assertTrue(outcomes.get(0).endsWith("killed " + victim.pid()), outcomes.get(0));
      assertTrue(outcomes.get(1).endsWith("stopped " + graceful.pid()), outcomes.get(1));
      assertTrue(outcomes.get(2).endsWith("exit 3"), outcomes.get(2));
      assertTrue(outcomes.get(3).contains("FAILED"), outcomes.get(3));
      assertTrue(logged.toString(StandardCharsets.UTF_8).contains("[chaos]"));
    } finally {
      victim.destroyForcibly();
      graceful.destroyForcibly();
    }
  }

  @Test
  void eventsNotDueWhenTheWaitEndsAreCancelled() throws Exception {
    ChaosSchedule schedule = new ChaosSchedule(List.of(ChaosEvent.parse("1h:run:true")), Duration.ofSeconds(5), log);
    schedule.start();
    assertTrue(schedule.finish(Duration.ofMillis(200)).isEmpty());
    assertFalse(logged.toString(StandardCharsets.UTF_8).contains("run true"));
  }
}
