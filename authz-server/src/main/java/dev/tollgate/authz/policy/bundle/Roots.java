package dev.tollgate.authz.policy.bundle;

import java.util.List;

/**
 * OPA's root-path rules: a root is a slash-separated path prefix of {@code data} that the bundle
 * owns; the empty root owns everything. Comparison is by whole segments.
 */
final class Roots {
  private Roots() {}

  static String normalize(String root) {
    int start = 0;
    int end = root.length();
    while (start < end && root.charAt(start) == '/') {
      start++;
    }
    while (end > start && root.charAt(end - 1) == '/') {
      end--;
    }
    return root.substring(start, end);
  }

  /** True when one of the two roots contains the other. */
  static boolean overlap(String a, String b) {
    List<String> sa = segments(a);
    List<String> sb = segments(b);
    return contains(sa, sb) || contains(sb, sa);
  }

  /** True when some root contains the slash-separated path. */
  static boolean anyContains(List<String> roots, String path) {
    List<String> p = segments(path);
    for (String root : roots) {
      if (contains(segments(root), p)) {
        return true;
      }
    }
    return false;
  }

  static List<String> segments(String path) {
    return List.of(path.split("/", -1));
  }

  private static boolean contains(List<String> root, List<String> other) {
    if (root.size() == 1 && root.getFirst().isEmpty()) {
      return true;
    }
    if (root.size() > other.size()) {
      return false;
    }
    return root.equals(other.subList(0, root.size()));
  }
}
