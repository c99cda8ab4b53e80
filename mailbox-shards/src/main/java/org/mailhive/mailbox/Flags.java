package org.mailhive.mailbox;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Flag arithmetic for STORE. System flags are case-insensitive (RFC 3501 §2.3.2) and kept in canonical case. */
public final class Flags {
  private Flags() {}

  private static final Map<String, String> SYSTEM = Map.of(
      "\\seen", "\\Seen", "\\answered", "\\Answered", "\\flagged", "\\Flagged",
      "\\deleted", "\\Deleted", "\\draft", "\\Draft");

  public static String canonical(String flag) {
    return SYSTEM.getOrDefault(flag.toLowerCase(Locale.ROOT), flag);
  }

  public static List<String> normalise(List<String> flags) {
    TreeSet<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (String f : flags) {
      out.add(canonical(f));
    }
    return List.copyOf(out);
  }

  public static List<String> change(List<String> current, MailboxProtocol.FlagChange change, List<String> given) {
    TreeSet<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    switch (change) {
      case REPLACE -> out.addAll(normalise(given));
      case ADD -> {
        out.addAll(current);
        out.addAll(normalise(given));
      }
      case REMOVE -> {
        out.addAll(current);
        out.removeAll(normalise(given));
      }
    }
    return List.copyOf(out);
  }
}
