package dev.tollgate.authz.policy.bundle;

/**
 * Turns an entry name from an archive or directory into the bundle's slash-rooted form, or
 * refuses it. OPA's own tooling writes names with a leading {@code /} (e.g. {@code /data.json})
 * and GNU tar writes {@code ./data.json}; both mean "relative to the bundle root". Anything that
 * could point elsewhere, or is ambiguous across platforms, is refused.
 */
final class EntryPaths {
  /** Longest entry name accepted, in bytes (Linux's PATH_MAX). */
  static final int MAX_NAME_BYTES = 4096;

  /**
   * Most folders an entry may sit in. A data file's folders become the path of its value in
   * {@code data}, so this bounds how deep bundle paths can nest documents.
   */
  static final int MAX_DEPTH = 128;

  private EntryPaths() {}

  /**
   * Normalizes a file entry name.
   *
   * @return the slash-rooted path, e.g. {@code /bank/a/data.json}
   */
  static String normalizeFile(String raw) throws BundleException {
    String path = normalize(raw);
    if (path.equals("/") || raw.endsWith("/")) {
      throw BundleException.at(show(raw), "a file entry must not name a directory");
    }
    return path;
  }

  /** Normalizes a directory entry name; a trailing slash is allowed. */
  static String normalizeDirectory(String raw) throws BundleException {
    return normalize(raw.endsWith("/") && raw.length() > 1 ? raw.substring(0, raw.length() - 1) : raw);
  }

  private static String normalize(String raw) throws BundleException {
    if (raw.isEmpty()) {
      throw BundleException.of("archive entry with an empty name");
    }
    int bytes = raw.length() > MAX_NAME_BYTES
        ? raw.length() : raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_NAME_BYTES) {
      throw BundleException.at(show(raw), "entry name is longer than " + MAX_NAME_BYTES + " bytes");
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw BundleException.at(show(raw), "entry name contains a control character");
      }
      if (c == '\\') {
        throw BundleException.at(show(raw), "entry name contains a backslash");
      }
    }
    if (raw.length() >= 2 && raw.charAt(1) == ':' && Character.isLetter(raw.charAt(0))) {
      throw BundleException.at(show(raw), "entry name is a Windows drive path");
    }
    String rest = raw;
    if (rest.startsWith("./")) {
      rest = rest.substring(2);
    } else if (rest.startsWith("/")) {
      rest = rest.substring(1);
    }
    if (rest.isEmpty() || rest.equals(".")) {
      return "/";
    }
    if (rest.startsWith("/")) {
      throw BundleException.at(show(raw), "entry name is an absolute path");
    }
    String[] segments = rest.split("/", -1);
    if (segments.length - 1 > MAX_DEPTH) {
      throw BundleException.at(show(raw), "entry sits " + (segments.length - 1)
          + " folders deep; at most " + MAX_DEPTH + " are allowed");
    }
    for (String segment : segments) {
      if (segment.equals("..")) {
        throw BundleException.at(show(raw), "entry name escapes the bundle root ('..')");
      }
      if (segment.isEmpty() || segment.equals(".")) {
        throw BundleException.at(show(raw), "entry name has an empty or '.' segment");
      }
    }
    return "/" + rest;
  }

  /** Entry names shown in messages: control characters escaped, length capped. */
  static String show(String raw) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length() && b.length() < 200; i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (b.length() >= 200) {
      b.append("...");
    }
    return b.toString();
  }
}
