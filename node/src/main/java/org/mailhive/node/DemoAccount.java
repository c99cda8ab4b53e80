package org.mailhive.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.mailhive.config.MailhiveSettings;
import org.mailhive.directory.UserDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's demo user: created once, with a random password written to
 * {@code <data-dir>/demo-password} (mode 0600). There is no fixed default password anywhere.
 */
final class DemoAccount {
  private DemoAccount() {}

  private static final Logger LOG = LoggerFactory.getLogger(DemoAccount.class);
  private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  private static final int PASSWORD_LENGTH = 20;

  static void ensure(MailhiveSettings settings, UserDirectory directory) throws IOException {
    if (!settings.demo().enabled()) {
      return;
    }
    String address = settings.demo().address();
    Path passwordFile = settings.node().dataDir().resolve("demo-password");
    if (directory.user(address).isEmpty() || !Files.exists(passwordFile)) {
      String password = randomPassword();
      Files.deleteIfExists(passwordFile);
      Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
      directory.setPassword(address, password);
      LOG.info("demo_user_created user={} password_file={} password={}", address, passwordFile, password);
    } else {
      LOG.info("demo_user user={} password_file={}", address, passwordFile);
    }
  }

  private static String randomPassword() {
    SecureRandom random = new SecureRandom();
    StringBuilder b = new StringBuilder(PASSWORD_LENGTH);
    for (int i = 0; i < PASSWORD_LENGTH; i++) {
      b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
