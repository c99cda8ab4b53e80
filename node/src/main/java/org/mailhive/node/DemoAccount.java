package org.mailhive.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.mailhive.config.MailhiveSettings;
import org.mailhive.directory.PasswordHash;
import org.mailhive.directory.UserDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's demo users: {@code demo@localhost} and, when {@code mailhive.demo.numbered-users} is
 * above 0, {@code demo1@localhost} … {@code demoN@localhost}, all with one password kept in
 * {@code mailhive.demo.password-file} (mode 0600). When the file exists its password is used, so that every node
 * of a cluster that reads the same file (or a copy) accepts the same password; when it does not, a random one is
 * generated. There is no fixed default password anywhere.
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
    Path passwordFile = settings.demo().passwordFile();
    String password = readOrCreate(passwordFile);
    List<String> addresses = settings.demo().addresses();
    if (directory.allHavePassword(addresses, password)) {
      LOG.info("demo_user user={} numbered={} password_file={}", settings.demo().address(),
          settings.demo().numberedUsers(), passwordFile);
      return;
    }
    // Demo users share one password, so they may share one hash (and its salt): one Argon2id run, not N.
    directory.setPasswordHash(addresses, PasswordHash.hash(password),
        org.mailhive.directory.ScramCredentials.derive(password));
    LOG.info("demo_user_created user={} numbered={} password_file={}", settings.demo().address(),
        settings.demo().numberedUsers(), passwordFile);
  }

  private static String readOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!existing.isEmpty()) {
        return existing;
      }
      Files.delete(file);
    }
    String password = randomPassword();
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, ".demo-password", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, password, StandardCharsets.UTF_8);
    try {
      // A link, unlike a rename, fails when the file exists: of nodes starting together on one shared file,
      // exactly one creates it and the others read that one's password.
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException raced) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } finally {
      Files.delete(tmp);
    }
    LOG.info("demo_password_created password_file={} password={}", file, password);
    return password;
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
