package org.mailhive.bench.client;

/** A complete (possibly multi-line) SMTP reply: its code and the text of its last line. RFC 5321 §4.2. */
public record SmtpReply(int code, String text) {
  public boolean positive() {
    return code >= 200 && code < 400;
  }

  /** "4xx" or "5xx": the error kind a report groups by. */
  public String kind() {
    return (code / 100) + "xx";
  }
}
