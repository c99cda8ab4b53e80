package org.mailhive.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.List;

/**
 * Reads one area of the configuration with range checks. Every failure, whether a wrong type or a value out of
 * range, becomes a {@link SettingsException} that names the full key: the node refuses to start rather than
 * guess.
 */
final class SettingsReader {
  private final Config config;
  private final String prefix;

  SettingsReader(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  SettingsReader area(String name) {
    return new SettingsReader(config, key(name));
  }

  String key(String name) {
    return prefix + "." + name;
  }

  int port(String name) {
    return (int) intIn(name, 0, 65535);
  }

  long intIn(String name, long min, long max) {
    long value = wrap(name, () -> config.getLong(key(name)));
    return checkRange(name, String.valueOf(value), value, min, max, String.valueOf(min), String.valueOf(max));
  }

  long bytesIn(String name, long min, long max, String minText, String maxText) {
    long value = wrap(name, () -> config.getBytes(key(name)));
    return checkRange(name, config.getValue(key(name)).unwrapped().toString(), value, min, max, minText, maxText);
  }

  Duration durationIn(String name, Duration min, Duration max) {
    Duration value = wrap(name, () -> config.getDuration(key(name)));
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new SettingsException(key(name), config.getValue(key(name)).unwrapped().toString(),
          "must be between " + min + " and " + max);
    }
    return value;
  }

  String nonEmpty(String name) {
    String value = wrap(name, () -> config.getString(key(name))).trim();
    if (value.isEmpty()) {
      throw new SettingsException(key(name), "\"\"", "must not be empty");
    }
    return value;
  }

  /** A string that may be empty. */
  String string(String name) {
    return wrap(name, () -> config.getString(key(name)));
  }

  boolean bool(String name) {
    return wrap(name, () -> config.getBoolean(key(name)));
  }

  List<String> strings(String name) {
    return wrap(name, () -> config.getStringList(key(name)));
  }

  private long checkRange(String name, String shown, long value, long min, long max, String minText, String maxText) {
    if (value < min || value > max) {
      throw new SettingsException(key(name), shown, "must be between " + minText + " and " + maxText);
    }
    return value;
  }

  private <T> T wrap(String name, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (ConfigException.Missing e) {
      throw new SettingsException(key(name), "(missing)", "must be set");
    } catch (ConfigException e) {
      String shown = config.hasPath(key(name)) ? config.getValue(key(name)).render() : "?";
      throw new SettingsException(key(name), shown, "has the wrong type (" + e.getMessage().replaceAll(".*: ", "") + ")");
    }
  }
}
