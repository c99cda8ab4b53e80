package org.mailhive.bench.scenario;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The steps of one imap-scenario cycle, in the order imaptest runs its states. Each has a weight: the percent
 * chance that a cycle runs it (imaptest's model), so weights are relative frequencies per cycle.
 *
 * <p>Defaults follow imaptest's default profile (LOGIN/SELECT/FETCH/FETCH2/DELETE/EXPUNGE/APPEND/LOGOUT 100,
 * LIST/STORE/STATUS 50), with imaptest's FETCH split in flags and envelope, FETCH2 (a whole body) named
 * fetch-body, and DELETE (STORE +FLAGS \Deleted) kept apart from STORE of other flags. IDLE is 0 until the
 * servers under test all support it.
 */
public enum ImapOp {
  LOGIN("login", 100),
  LIST("list", 50),
  SELECT("select", 100),
  FETCH_FLAGS("fetch-flags", 100),
  FETCH_ENVELOPE("fetch-envelope", 100),
  FETCH_BODY("fetch-body", 100),
  STATUS("status", 50),
  NOOP("noop", 0),
  STORE("store", 50),
  DELETE("delete", 100),
  EXPUNGE("expunge", 100),
  APPEND("append", 100),
  IDLE("idle", 0),
  LOGOUT("logout", 100);

  final String key;
  final int defaultWeight;

  ImapOp(String key, int defaultWeight) {
    this.key = key;
    this.defaultWeight = defaultWeight;
  }

  /** The command label in reports. */
  public String label() {
    return name().replace('_', ' ');
  }

  public static Map<ImapOp, Integer> defaults() {
    Map<ImapOp, Integer> w = new EnumMap<>(ImapOp.class);
    for (ImapOp op : values()) {
      w.put(op, op.defaultWeight);
    }
    return w;
  }

  /** {@code fetch-body=20,idle=10}: overrides of the defaults, each 0..100. */
  public static Map<ImapOp, Integer> weights(String spec) {
    Map<ImapOp, Integer> w = defaults();
    if (spec == null || spec.isBlank()) {
      return w;
    }
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=");
      if (kv.length != 2) {
        throw new IllegalArgumentException("weights: expected name=percent, got '" + part + "'");
      }
      ImapOp op = byKey(kv[0].trim().toLowerCase(Locale.ROOT));
      int v = Integer.parseInt(kv[1].trim());
      if (v < 0 || v > 100) {
        throw new IllegalArgumentException("weights: " + op.key + "=" + v + " must be 0..100 (percent per cycle)");
      }
      w.put(op, v);
    }
    return w;
  }

  static ImapOp byKey(String key) {
    for (ImapOp op : values()) {
      if (op.key.equals(key)) {
        return op;
      }
    }
    throw new IllegalArgumentException("weights: unknown command '" + key + "'; known: " + keys());
  }

  static String keys() {
    StringBuilder sb = new StringBuilder();
    for (ImapOp op : values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(op.key);
    }
    return sb.toString();
  }
}
