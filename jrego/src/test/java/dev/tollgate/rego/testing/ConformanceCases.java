package dev.tollgate.rego.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the OPA conformance cases are: {@code -Djrego.conformance.dir=...}, else the copy checked
 * in at {@code jrego/conformance}. Tests that need them fail (under {@code CI=true}) or skip (on a
 * developer's machine) with the path when the folder is missing, never pass silently.
 */
public final class ConformanceCases {
  private ConformanceCases() {}

  /** The case root holding {@code v0/} and {@code v1/}; it may not exist. */
  public static Path root() {
    String dir = System.getProperty("jrego.conformance.dir");
    if (dir != null) {
      return Path.of(dir).toAbsolutePath().normalize();
    }
    Path here = Path.of("").toAbsolutePath();
    // surefire runs in the module directory; an IDE may run from the repository root
    for (Path cand : new Path[] {here.resolve("conformance"), here.resolve("jrego/conformance")}) {
      if (Files.isDirectory(cand)) {
        return cand.normalize();
      }
    }
    return here.resolve("conformance").normalize();
  }

  /** {@code root().resolve(set)}, after failing or skipping when that folder is missing. */
  public static Path require(String set) {
    Path dir = root().resolve(set);
    if (!Files.isDirectory(dir)) {
      String message = "conformance cases not found at " + dir;
      if ("true".equals(System.getenv("CI"))) {
        fail(message + " (CI=true: the checked-in copy under jrego/conformance must be present)");
      }
      assumeTrue(false, message);
    }
    return dir;
  }
}
