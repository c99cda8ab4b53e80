package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreDirTest {

  @Test
  void anOldPortNamedDdataFolderIsMovedOnceToTheFixedName(@TempDir Path data) throws Exception {
    Path old = Files.createDirectories(data.resolve("ddata-mailhive-127.0.0.1-25520"));
    Files.writeString(old.resolve("data.mdb"), "users");
    Path dir = DirectoryStoreDir.prepare(data);
    assertEquals(data.resolve("directory-lmdb"), dir);
    assertEquals("users", Files.readString(dir.resolve("data.mdb")));
    assertFalse(Files.exists(old));
    // A later old-style folder (e.g. from a downgrade) does not replace the directory in use.
    Files.createDirectories(data.resolve("ddata-mailhive-127.0.0.1-25521"));
    assertEquals(dir, DirectoryStoreDir.prepare(data));
    assertEquals("users", Files.readString(dir.resolve("data.mdb")));
  }

  @Test
  void aFreshDataDirectoryGetsTheFixedNameAndNothingIsCreatedBeforePekkoOpensIt(@TempDir Path data) {
    Path dir = DirectoryStoreDir.prepare(data);
    assertEquals(data.resolve("directory-lmdb"), dir);
    assertTrue(Files.isDirectory(data) && !Files.exists(dir));
  }
}
