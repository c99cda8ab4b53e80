package org.mailhive.smtp.outbound;

/**
 * What one delivery attempt did for one recipient: {@code reply} is the remote server's reply (or our own
 * description of a connection or DNS failure, with an enhanced status code), {@code remoteMta} the host that gave it
 * (null when none answered).
 */
public record RecipientResult(Kind kind, String reply, String remoteMta) {
  public enum Kind {
    /** The remote server said 250 after the end of data. */
    DELIVERED,
    /** 4xx, no answer, or no reachable host: try again later. */
    TRANSIENT,
    /** 5xx, or a domain that does not exist or accepts no mail (RFC 7505): bounce now. */
    PERMANENT
  }

  /** The RFC 3463 status of the reply: its enhanced code if it has one, else derived from the basic code. */
  public String status() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b")
        .matcher(reply == null ? "" : reply);
    if (m.find()) {
      return m.group(1);
    }
    return kind == Kind.PERMANENT ? "5.0.0" : kind == Kind.TRANSIENT ? "4.0.0" : "2.0.0";
  }
}
