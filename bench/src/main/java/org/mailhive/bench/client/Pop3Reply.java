package org.mailhive.bench.client;

import java.util.List;

/**
 * A POP3 reply: the status line ({@code +OK ...} or {@code -ERR ...}) and, for multi-line commands answered
 * {@code +OK}, the body lines with dot-stuffing removed (RFC 1939 §3).
 */
public record Pop3Reply(boolean ok, String status, List<String> lines) {
  /** The error kind a report groups this under, e.g. "-ERR [IN-USE]" or just "-ERR" (RFC 2449 response codes). */
  public String kind() {
    if (ok) {
      return "ok";
    }
    String rest = status.length() > 5 ? status.substring(5).trim() : "";
    if (rest.startsWith("[") && rest.indexOf(']') > 0) {
      return "-ERR " + rest.substring(0, rest.indexOf(']') + 1);
    }
    return "-ERR";
  }
}
