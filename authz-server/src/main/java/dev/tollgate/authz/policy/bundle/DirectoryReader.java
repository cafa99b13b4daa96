package dev.tollgate.authz.policy.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a bundle laid out as a plain directory. Symbolic links and special files are refused,
 * as in archives, so a directory bundle cannot reach outside itself.
 */
final class DirectoryReader {
  private final BundleLimits limits;

  DirectoryReader(BundleLimits limits) {
    this.limits = limits;
  }

  List<RawFile> read(Path dir) throws BundleException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw BundleException.of(dir + " is not a directory");
    }
    List<Path> found = new ArrayList<>();
    BundleException[] failure = new BundleException[1];
    int[] entries = {0};
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          if (!d.equals(dir) && ++entries[0] > limits.maxEntries()) {
            failure[0] = BundleException.of("directory has more than " + limits.maxEntries()
                + " entries (limit maxEntries)");
            return FileVisitResult.TERMINATE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          String name = "/" + relative(dir, file);
          if (++entries[0] > limits.maxEntries()) {
            failure[0] = BundleException.of("directory has more than " + limits.maxEntries()
                + " entries (limit maxEntries)");
          } else if (attrs.isSymbolicLink()) {
            failure[0] = BundleException.at(EntryPaths.show(name),
                "symbolic links are not allowed in a bundle directory");
          } else if (!attrs.isRegularFile()) {
            failure[0] = BundleException.at(EntryPaths.show(name),
                "special files (devices, FIFOs, sockets) are not allowed in a bundle directory");
          } else {
            found.add(file);
            return FileVisitResult.CONTINUE;
          }
          return FileVisitResult.TERMINATE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          failure[0] = BundleException.at(EntryPaths.show("/" + relative(dir, file)),
              "cannot read: " + e.getMessage());
          return FileVisitResult.TERMINATE;
        }
      });
    } catch (IOException e) {
      throw BundleException.of("cannot list " + dir + ": " + e.getMessage());
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    found.sort(Comparator.comparing(p -> relative(dir, p)));
    List<RawFile> files = new ArrayList<>();
    long total = 0;
    for (Path file : found) {
      String path = EntryPaths.normalizeFile("/" + relative(dir, file));
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        // Read one byte past the limit rather than trust the size the file system reported.
        bytes = in.readNBytes((int) limits.maxFileBytes() + 1);
      } catch (IOException e) {
        throw BundleException.at(path, "cannot read: " + e.getMessage());
      }
      if (bytes.length > limits.maxFileBytes()) {
        throw BundleException.at(path, "file size exceeds the limit of " + limits.maxFileBytes()
            + " bytes (maxFileBytes)");
      }
      total += bytes.length;
      if (total > limits.maxTotalBytes()) {
        throw BundleException.at(path, "bundle size exceeds the limit of "
            + limits.maxTotalBytes() + " bytes (maxTotalBytes)");
      }
      files.add(new RawFile(path, bytes));
    }
    return files;
  }

  private static String relative(Path dir, Path file) {
    List<String> parts = new ArrayList<>();
    for (Path p : dir.relativize(file)) {
      parts.add(p.toString());
    }
    return String.join("/", parts);
  }
}
