package org.mailhive.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the directory's durable Distributed Data (LMDB) lives: {@code data/directory-lmdb}.
 *
 * <p>Pekko appends the actor system name, host and port to the folder when it is called {@code ddata}, which is
 * what earlier versions configured: a node started with an OS-chosen cluster port (every in-process test node)
 * then found a new, empty folder at each start and lost the users it had been given. A folder of our own name is
 * used as it is. A node that still has the old {@code ddata-*} folder and not the new one gets it moved over once,
 * so an upgrade keeps its directory.
 */
final class DirectoryStoreDir {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryStoreDir.class);
  static final String NAME = "directory-lmdb";
  private static final String OLD_PREFIX = "ddata-";

  private DirectoryStoreDir() {}

  static Path prepare(Path dataDir) {
    Path dir = dataDir.resolve(NAME);
    if (Files.exists(dir) || !Files.isDirectory(dataDir)) {
      return dir;
    }
    try (Stream<Path> children = Files.list(dataDir)) {
      List<Path> old = children.filter(p -> p.getFileName().toString().startsWith(OLD_PREFIX) && Files.isDirectory(p))
          .sorted(Comparator.comparing(DirectoryStoreDir::modified).reversed()).toList();
      if (!old.isEmpty()) {
        Files.move(old.get(0), dir);
        LOG.info("directory_store_moved from={} to={}{}", old.get(0).getFileName(), NAME,
            old.size() > 1 ? " (the newest of " + old.size() + "; the others are left in place)" : "");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
    return dir;
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
