package org.mailhive.config;

/** A configuration value that cannot be used. The message always starts with the full key, so an admin can fix it. */
public final class SettingsException extends RuntimeException {
  public SettingsException(String key, String value, String problem) {
    super(key + " = " + value + ": " + problem);
  }
}
