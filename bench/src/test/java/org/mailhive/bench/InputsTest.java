package org.mailhive.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.bench.scenario.ImapOp;

class InputsTest {
  @Test
  void aWeightedSizeDistributionDrawsSizesInProportionToTheirWeights() {
    SizeDistribution d = SizeDistribution.parse("1k=75,64k=25");
    SplittableRandom random = new SplittableRandom(1);
    Map<Integer, Integer> seen = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      seen.merge(d.next(random), 1, Integer::sum);
    }
    assertEquals(2, seen.size());
    assertEquals(7500, seen.get(1024), 300);
    assertEquals(2500, seen.get(65536), 300);
    assertEquals(4096, SizeDistribution.parse("4k").next(random));
    assertThrows(IllegalArgumentException.class, () -> SizeDistribution.parse("1k=0"));
  }

  @Test
  void generatedMessagesHaveTheRequestedSizeAndShortLines() {
    for (int size : new int[] {4096, 1000, 65536, 333}) {
      byte[] m = MessageFactory.create("run", 7, "a@b", "c@d", size);
      assertEquals(size, m.length);
      String text = new String(m, StandardCharsets.US_ASCII);
      assertTrue(text.endsWith("\r\n"));
      for (String line : text.split("\r\n")) {
        assertTrue(line.length() <= 78, () -> "line of " + line.length());
      }
      assertTrue(text.contains("Message-ID: <run.7@bench.mailhive>"));
    }
  }

  @Test
  void usersComeFromTheCommandLineAPasswordFileAndAUsersFile(@TempDir Path dir) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "s3cret\n");
    Path users = Files.writeString(dir.resolve("users"), "# comment\nbob@x pass b\n\ncarol@x:c\n");
    List<Credentials> c = Credentials.from(List.of("alice@x", "dave@x:d"), pw, users);
    assertEquals(List.of(new Credentials("alice@x", "s3cret"), new Credentials("dave@x", "d"),
        new Credentials("bob@x", "pass b"), new Credentials("carol@x", "c")), c);
    assertEquals("alice@x", c.get(0).toString());
    assertThrows(IllegalArgumentException.class, () -> Credentials.from(List.of("alice@x"), null, null));
  }

  @Test
  void weightsOverrideTheImaptestDefaultsAndRejectUnknownNames() {
    Map<ImapOp, Integer> w = ImapOp.weights("idle=10,fetch-body=0");
    assertEquals(10, w.get(ImapOp.IDLE));
    assertEquals(0, w.get(ImapOp.FETCH_BODY));
    assertEquals(100, w.get(ImapOp.APPEND));
    assertEquals(0, ImapOp.defaults().get(ImapOp.IDLE));
    assertThrows(IllegalArgumentException.class, () -> ImapOp.weights("search=10"));
    assertThrows(IllegalArgumentException.class, () -> ImapOp.weights("store=101"));
  }

  @Test
  void durationsReadAsPeopleWriteThem() {
    assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
    assertEquals(Duration.ofSeconds(30), DurationConverter.parse("30s"));
    assertEquals(Duration.ofMinutes(2), DurationConverter.parse("2m"));
    assertThrows(IllegalArgumentException.class, () -> DurationConverter.parse("3d"));
  }

  @Test
  void compareTakesMediansAndPerRoundRatios() {
    assertEquals(2.0, Compare.median(new double[] {3, 1, 2}));
    assertEquals(2.5, Compare.median(new double[] {4, 1, 2, 3}));
    Map<String, Double> a = Map.of("per second", 200.0, "p50 ms", 1.0, "p99 ms", 4.0);
    Map<String, Double> b = Map.of("per second", 100.0, "p50 ms", 2.0, "p99 ms", 4.0);
    Map<String, Double> r = Compare.ratios(a, b);
    assertEquals(2.0, r.get("per second"));
    assertEquals(0.5, r.get("p50 ms"));
    assertEquals(1.0, r.get("p99 ms"));
    Compare.CompareResult s = Compare.summarize("smtp", "A", "B", List.of(
        new Compare.Round(1, a, b, r, Map.of(), Map.of()),
        new Compare.Round(2, b, b, Compare.ratios(b, b), Map.of(), Map.of()),
        new Compare.Round(3, a, b, r, Map.of(), Map.of())));
    assertEquals(200.0, s.medianA().get("per second"));
    assertEquals(2.0, s.medianRatio().get("per second"));
  }
}
