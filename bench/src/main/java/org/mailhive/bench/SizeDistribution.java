package org.mailhive.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Message sizes to draw from: {@code 4k} (always 4 KiB) or {@code 1k=60,4k=30,64k=10} (size=weight). Sizes take
 * the suffixes k and m (powers of 1024).
 */
public final class SizeDistribution {
  /** A message above this is a typo on the command line, not a benchmark. */
  static final long MAX_SIZE = 64L * 1024 * 1024;

  private final int[] sizes;
  private final long[] cumulative;
  private final String spec;

  private SizeDistribution(String spec, int[] sizes, long[] cumulative) {
    this.spec = spec;
    this.sizes = sizes;
    this.cumulative = cumulative;
  }

  public static SizeDistribution parse(String spec) {
    List<int[]> parts = new ArrayList<>();
    for (String part : spec.split(",")) {
      String[] sw = part.trim().split("=");
      if (sw.length > 2 || sw[0].isEmpty()) {
        throw new IllegalArgumentException("size distribution '" + spec + "': expected SIZE or SIZE=WEIGHT,...");
      }
      long size = bytes(sw[0]);
      int weight = sw.length == 2 ? Integer.parseInt(sw[1].trim()) : 1;
      if (size < 1 || size > MAX_SIZE || weight < 0) {
        throw new IllegalArgumentException("size distribution '" + spec + "': size must be 1..64m, weight >= 0");
      }
      parts.add(new int[] {(int) size, weight});
    }
    int[] sizes = new int[parts.size()];
    long[] cumulative = new long[parts.size()];
    long sum = 0;
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = parts.get(i)[0];
      sum += parts.get(i)[1];
      cumulative[i] = sum;
    }
    if (sum == 0) {
      throw new IllegalArgumentException("size distribution '" + spec + "': all weights are 0");
    }
    return new SizeDistribution(spec, sizes, cumulative);
  }

  static long bytes(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("k")) {
      unit = 1024;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unit = 1024 * 1024;
      t = t.substring(0, t.length() - 1);
    }
    return Long.parseLong(t) * unit;
  }

  public int next(RandomGenerator random) {
    long r = random.nextLong(cumulative[cumulative.length - 1]);
    for (int i = 0; i < cumulative.length; i++) {
      if (r < cumulative[i]) {
        return sizes[i];
      }
    }
    return sizes[sizes.length - 1];
  }

  @Override
  public String toString() {
    return spec;
  }
}
