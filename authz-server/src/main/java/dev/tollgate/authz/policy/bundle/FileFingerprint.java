package dev.tollgate.authz.policy.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A cheap change detector for a bundle file or directory: a digest over the names, sizes and
 * modification times of its files. It reads no file contents.
 */
final class FileFingerprint {
  private FileFingerprint() {}

  static String of(Path path, int maxEntries) throws BundleException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try {
      // Follow the configured path, as the loader does: a Kubernetes volume update swaps the
      // link target, and the target's own name then changes the fingerprint.
      Path real = path.toRealPath();
      md.update((real + "\n").getBytes(StandardCharsets.UTF_8));
      BasicFileAttributes top = Files.readAttributes(real, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!top.isDirectory()) {
        add(md, "", top);
      } else {
        path = real;
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(path)) {
          // One past the limit is enough: the loader will refuse the directory anyway.
          walk.limit(maxEntries + 2L).forEach(entries::add);
        }
        entries.sort(null);
        for (Path p : entries) {
          add(md, path.relativize(p).toString(),
              Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw BundleException.of("cannot read bundle " + path + ": " + e.getMessage());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void add(MessageDigest md, String name, BasicFileAttributes a) {
    md.update((name + "\0" + a.size() + "\0" + a.lastModifiedTime().toInstant() + "\0"
        + a.isSymbolicLink() + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
