package org.mailhive.bench.client;

import java.util.List;

/**
 * The end of one IMAP command: its tagged status (OK, NO, BAD) with the text, and how many untagged responses and
 * literal bytes came before it. Untagged contents are not kept: the bench counts, it does not read mail.
 */
public record ImapResponse(String status, String text, List<String> untagged, long literalBytes) {
  public boolean ok() {
    return "OK".equals(status);
  }

  /** The response code in brackets, e.g. "NO [TRYCREATE]", else just the status: the kind a report groups by. */
  public String kind() {
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close > 0) {
        int space = text.indexOf(' ');
        int codeEnd = space > 0 && space < close ? space : close;
        return status + " [" + text.substring(1, codeEnd) + "]";
      }
    }
    return status;
  }
}
