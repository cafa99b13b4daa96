package dev.tollgate.authz.policy.bundle;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A bundle archive or bundle directory on the local file system, re-read when it changes. A
 * change is noticed by the sizes and modification times of its files.
 *
 * @param path a {@code .tar.gz} file or a bundle directory
 */
public record FileBundleSource(Path path, Duration minDelay, Duration maxDelay)
    implements BundleSource {

  public FileBundleSource {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(minDelay, "minDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (minDelay.isNegative() || minDelay.isZero() || maxDelay.compareTo(minDelay) < 0) {
      throw new IllegalArgumentException("file polling needs 0 < minDelay <= maxDelay, got "
          + minDelay + " and " + maxDelay);
    }
  }

  /** Looks for changes every 5 to 10 seconds. */
  public static FileBundleSource of(Path path) {
    return new FileBundleSource(path, Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Override
  public String location() {
    return path.toString();
  }
}
