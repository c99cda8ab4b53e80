package org.mailhive.config.tls;

/**
 * The TLS key or certificate cannot be used. The message always names the file involved, because the admin who sees
 * it at node start has to know which of the two PEM files to fix.
 */
public final class TlsMaterialException extends RuntimeException {
  public TlsMaterialException(String message) {
    super(message);
  }

  public TlsMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
