package org.mailhive.mime;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the third-party test data in {@code shared/conformance/}, which sits beside the repository checkout. */
final class ConformanceFiles {
  private ConformanceFiles() {}

  /** Walks up from the working directory (Maven uses the module directory) to the first {@code shared/conformance}. */
  static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("conformance");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return fail("shared/conformance/ not found above " + Path.of("").toAbsolutePath()
        + "; the conformance data must sit beside the repository");
  }
}
