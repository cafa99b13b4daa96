package dev.tollgate.rego.builtins;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether two glob-like regular expressions have a non-empty string in common
 * ({@code regex.globs_match}). Only {@code .}, {@code *}, {@code +}, {@code [...]} with ranges
 * and {@code \} escapes are special, as in the library OPA uses; its error texts are kept. The
 * answer is exact: a search of the product of both patterns' automata.
 */
final class GlobIntersection {
  private GlobIntersection() {}

  /** One position of a pattern: the characters it accepts, possibly repeated. */
  private record Token(int[] ranges, boolean any, boolean star) {
    boolean intersects(Token o) {
      if (any) {
        return o.any || o.ranges.length > 0;
      }
      if (o.any) {
        return ranges.length > 0;
      }
      for (int i = 0; i < ranges.length; i += 2) {
        for (int j = 0; j < o.ranges.length; j += 2) {
          if (ranges[i] <= o.ranges[j + 1] && o.ranges[j] <= ranges[i + 1]) {
            return true;
          }
        }
      }
      return false;
    }
  }

  static boolean nonEmpty(String lhs, String rhs) throws BuiltinException {
    List<Token> a = tokenize(lhs);
    List<Token> b = tokenize(rhs);
    int n1 = a.size();
    int n2 = b.size();
    // state = (i, j, consumed)
    boolean[] seen = new boolean[(n1 + 1) * (n2 + 1) * 2];
    ArrayDeque<int[]> queue = new ArrayDeque<>();
    queue.add(new int[] {0, 0, 0});
    while (!queue.isEmpty()) {
      int[] s = queue.poll();
      int i = s[0];
      int j = s[1];
      int consumed = s[2];
      int key = (i * (n2 + 1) + j) * 2 + consumed;
      if (seen[key]) {
        continue;
      }
      seen[key] = true;
      if (i == n1 && j == n2 && consumed == 1) {
        return true;
      }
      if (i < n1 && a.get(i).star()) {
        queue.add(new int[] {i + 1, j, consumed});
      }
      if (j < n2 && b.get(j).star()) {
        queue.add(new int[] {i, j + 1, consumed});
      }
      if (i < n1 && j < n2 && a.get(i).intersects(b.get(j))) {
        queue.add(new int[] {a.get(i).star() ? i : i + 1, b.get(j).star() ? j : j + 1, 1});
      }
    }
    return false;
  }

  private static BuiltinException invalid(int[] input, int pos, String message) {
    return BuiltinException.failure(
        "input:" + new String(input, 0, input.length) + ", pos:" + pos + ", " + message
            + ": the input provided is invalid");
  }

  /** Reads one possibly escaped rune: {index after it, rune, escaped?}, or null at the end. */
  private static int[] nextRune(int index, int[] in) throws BuiltinException {
    if (index >= in.length) {
      return null;
    }
    if (in[index] == '\\') {
      if (index < in.length - 1) {
        return new int[] {index + 2, in[index + 1], 1};
      }
      throw invalid(in, index, "input ends with a \\ (escape) character");
    }
    return new int[] {index + 1, in[index], 0};
  }

  private static List<Token> tokenize(String text) throws BuiltinException {
    int[] in = text.codePoints().toArray();
    List<Token> out = new ArrayList<>();
    int index = 0;
    while (true) {
      int[] r = nextRune(index, in);
      if (r == null) {
        return out;
      }
      index = r[0];
      int[] ranges = null;
      boolean any = false;
      if (r[2] == 0 && r[1] == '.') {
        any = true;
      } else if (r[2] == 0 && r[1] == ']') {
        throw invalid(in, index, "set-close ']' with no preceding '['");
      } else if (r[2] == 0 && r[1] == '[') {
        int[] endAndRanges = readSet(index, in);
        index = endAndRanges[0];
        ranges = java.util.Arrays.copyOfRange(endAndRanges, 1, endAndRanges.length);
      } else if (r[2] == 0 && (r[1] == '+' || r[1] == '*')) {
        throw invalid(in, index, "flag '" + Character.toString(r[1]) + "' must be preceded by a non-flag");
      } else {
        ranges = new int[] {r[1], r[1]};
      }
      int flag = 0;
      int[] f = nextRune(index, in);
      if (f != null && f[2] == 0 && (f[1] == '+' || f[1] == '*')) {
        flag = f[1];
        index = f[0];
      }
      int[] set = any ? new int[0] : ranges;
      if (flag == '+') {
        out.add(new Token(set, any, false));
        out.add(new Token(set, any, true));
      } else {
        out.add(new Token(set, any, flag == '*'));
      }
    }
  }

  /** Reads a set after its '['; returns {index after ']', lo1, hi1, lo2, hi2, ...}. */
  private static int[] readSet(int index, int[] in) throws BuiltinException {
    List<Integer> ranges = new ArrayList<>();
    int prev = 0;
    boolean prevExists = false;
    int newIndex = index;
    while (true) {
      int[] r = nextRune(newIndex, in);
      if (r == null) {
        throw invalid(in, newIndex, "found [ without matching ]");
      }
      newIndex = r[0];
      if (r[2] == 0 && r[1] == '-') {
        if (!prevExists) {
          throw invalid(in, newIndex, "range character '-' must be preceded by a Unicode character");
        }
        if (newIndex >= in.length - 1) {
          throw invalid(in, newIndex, "range character '-' must be followed by a Unicode character");
        }
        int[] hi = nextRune(newIndex, in);
        newIndex = hi[0];
        if (hi[2] == 0 && (hi[1] == ']' || hi[1] == '-')) {
          throw invalid(in, newIndex, "range character '-' cannot be followed by a special symbol");
        }
        if (hi[1] < prev) {
          throw invalid(in, newIndex, "range is out of order: '" + Character.toString(hi[1])
              + "' comes before '" + Character.toString(prev) + "' in Unicode");
        }
        ranges.add(prev);
        ranges.add(hi[1]);
        prevExists = false;
      } else if (r[2] == 0 && r[1] == ']') {
        int[] out = new int[ranges.size() + 1];
        out[0] = newIndex;
        for (int i = 0; i < ranges.size(); i++) {
          out[i + 1] = ranges.get(i);
        }
        return out;
      } else {
        ranges.add(r[1]);
        ranges.add(r[1]);
        prev = r[1];
        prevExists = true;
      }
    }
  }
}
