package org.mailhive.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserDirectoryTest {
  @TempDir Path dir;

  @Test
  void authenticatesWithTheRightPasswordOnlyAndSurvivesReopen() throws Exception {
    Path file = dir.resolve("users");
    UserDirectory d = UserDirectory.open(file);
    d.setPassword("Alice@Example.org", "s3cret pass");
    assertEquals(Optional.of("alice@example.org"), d.authenticate("alice@example.org", "s3cret pass"));
    assertEquals(Optional.empty(), d.authenticate("alice@example.org", "wrong"));
    assertEquals(Optional.empty(), d.authenticate("bob@example.org", "s3cret pass"));
    UserDirectory reopened = UserDirectory.open(file);
    assertEquals(Optional.of("alice@example.org"), reopened.authenticate("ALICE@example.org", "s3cret pass"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertFalse(Files.readString(file).contains("s3cret"));
  }

  @Test
  void newPasswordsAreArgon2id() {
    String h = PasswordHash.hash("x");
    assertTrue(h.startsWith("{ARGON2ID}$argon2id$v=19$"), h);
    assertTrue(PasswordHash.verify(h, "x"));
    assertFalse(PasswordHash.verify(h, "y"));
    assertFalse(PasswordHash.verify("{PLAIN}x", "x"));
  }

  @Test
  void refusesAddressesThatCannotBeStored() {
    UserDirectory d = UserDirectory.open(dir.resolve("users"));
    assertThrows(IllegalArgumentException.class, () -> d.setPassword("no-at-sign", "p"));
    assertThrows(IllegalArgumentException.class, () -> d.setPassword("a:b@c", "p"));
  }
}
