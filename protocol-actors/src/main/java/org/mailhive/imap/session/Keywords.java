package org.mailhive.imap.session;

import java.util.Collection;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The keywords (flags without a backslash) used in the selected mailbox, for the FLAGS and PERMANENTFLAGS
 * responses. RFC 3501 §7.2.6 makes FLAGS "the flags that are applicable for this mailbox", and §6.4.6 lets a STORE
 * create a keyword when PERMANENTFLAGS has "\*"; a client learns of a new keyword (its own, another session's or an
 * appended message's) from a new FLAGS and PERMANENTFLAGS pair sent before the responses that use it, as Dovecot
 * and James do. Keywords are never withdrawn while the mailbox is selected.
 */
final class Keywords {
  /** System flags in alphabetical order, as Dovecot and James list them; clients do not care, transcript tests do. */
  static final String SYSTEM_FLAGS = "\\Answered \\Deleted \\Draft \\Flagged \\Seen";

  private final TreeSet<String> known = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
  private boolean unannounced;

  /** Remembers the keywords among {@code flags}; those not seen before are announced at the next {@link #announce}. */
  void learn(Collection<String> flags) {
    for (String f : flags) {
      if (!f.startsWith("\\") && known.add(f)) {
        unannounced = true;
      }
    }
  }

  /** Marks everything learned so far as told (SELECT sends the lists itself). */
  void told() {
    unannounced = false;
  }

  String flagsResponse() {
    return "FLAGS (" + SYSTEM_FLAGS + keywordList() + ")";
  }

  String permanentFlagsResponse(boolean readOnly) {
    return "OK [PERMANENTFLAGS " + (readOnly ? "()" : "(" + SYSTEM_FLAGS + keywordList() + " \\*)") + "] Flags permitted";
  }

  /** Sends FLAGS and PERMANENTFLAGS if keywords were learned since they were last sent. */
  void announce(Consumer<String> untagged, boolean readOnly) {
    if (unannounced) {
      unannounced = false;
      untagged.accept(flagsResponse());
      untagged.accept(permanentFlagsResponse(readOnly));
    }
  }

  private String keywordList() {
    return known.isEmpty() ? "" : " " + String.join(" ", known);
  }
}
