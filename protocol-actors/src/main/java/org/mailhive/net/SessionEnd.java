package org.mailhive.net;

/**
 * Why the server ends a session that the client did not end: the node is leaving the cluster (rolling restart,
 * SIGTERM) or an admin kicked the user ({@code mailhive-admin kick}, like {@code doveadm kick}). Each protocol maps
 * it to its own goodbye (IMAP {@code * BYE [UNAVAILABLE]}, SMTP {@code 421 4.3.2}, POP3 {@code -ERR [SYS/TEMP]}),
 * always after the command in flight has had its answer.
 */
public enum SessionEnd {
  NODE_SHUTDOWN("shutdown"),
  ADMIN_KICK("kicked");

  private final String logReason;

  SessionEnd(String logReason) {
    this.logReason = logReason;
  }

  /** The {@code reason=} of the session's {@code conn_close} log line. */
  public String logReason() {
    return logReason;
  }
}
