package dev.tollgate.authz.policy.bundle;

/** A file read out of a bundle source, before it is interpreted. Path is slash-rooted. */
record RawFile(String path, byte[] bytes) {

  String baseName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Directory segments of the path: {@code /a/b/data.json} gives {@code [a, b]}. */
  java.util.List<String> directorySegments() {
    String dir = path.substring(1, path.lastIndexOf('/') + 1);
    if (dir.isEmpty()) {
      return java.util.List.of();
    }
    return java.util.List.of(dir.substring(0, dir.length() - 1).split("/", -1));
  }
}
