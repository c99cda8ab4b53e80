package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Message IDs (RFC 5322 §3.6.4, msg-id = "<" id-left "@" id-right ">") read out of Message-ID, In-Reply-To and
 * References for THREAD=REFERENCES. RFC 5256 §4 compares them case-sensitively, as whole strings; folding white
 * space inside the angle brackets is dropped, and anything between IDs (comments, phrases) is ignored. Text in
 * angle brackets without an "@" is not a valid Message ID and is skipped.
 */
final class MessageIds {
  private MessageIds() {}

  static List<String> all(String header) {
    List<String> ids = new ArrayList<>();
    if (header == null) {
      return ids;
    }
    int pos = 0;
    while (true) {
      int open = header.indexOf('<', pos);
      if (open < 0) {
        return ids;
      }
      int close = header.indexOf('>', open + 1);
      if (close < 0) {
        return ids;
      }
      int nested = header.indexOf('<', open + 1);
      if (nested >= 0 && nested < close) {
        pos = nested; // "<junk <id@host>": the inner bracket starts the ID
        continue;
      }
      String id = header.substring(open + 1, close).replaceAll("\\s+", "");
      int at = id.indexOf('@');
      if (at > 0 && at < id.length() - 1) {
        ids.add(id);
      }
      pos = close + 1;
    }
  }

  /** The first valid Message ID of the header, or null. */
  static String first(String header) {
    List<String> ids = all(header);
    return ids.isEmpty() ? null : ids.get(0);
  }
}
