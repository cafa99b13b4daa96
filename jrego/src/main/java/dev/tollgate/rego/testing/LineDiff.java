package dev.tollgate.rego.testing;

import java.util.ArrayList;
import java.util.List;

/** A unified diff (three lines of context) of two texts, line by line. */
final class LineDiff {
  private static final int CONTEXT = 3;

  private LineDiff() {}

  private record Op(char kind, String line, int oldLine, int newLine) {}

  static String unified(String name, String a, String b) {
    String[] x = split(a);
    String[] y = split(b);
    // longest common subsequence table, from the ends
    int[][] lcs = new int[x.length + 1][y.length + 1];
    for (int i = x.length - 1; i >= 0; i--) {
      for (int j = y.length - 1; j >= 0; j--) {
        lcs[i][j] = x[i].equals(y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<Op> ops = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i].equals(y[j])) {
        ops.add(new Op(' ', x[i], i++, j++));
      } else if (j < y.length && (i == x.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
        ops.add(new Op('+', y[j], i, j++));
      } else {
        ops.add(new Op('-', x[i], i++, j));
      }
    }
    StringBuilder out = new StringBuilder("--- ").append(name).append("\n+++ ").append(name).append(" (formatted)\n");
    int k = 0;
    while (k < ops.size()) {
      if (ops.get(k).kind() == ' ') {
        k++;
        continue;
      }
      int start = Math.max(0, k - CONTEXT);
      int end = k;
      int lastChange = k;
      while (end < ops.size() && (ops.get(end).kind() != ' ' || end - lastChange <= 2 * CONTEXT)) {
        if (ops.get(end).kind() != ' ') {
          lastChange = end;
        }
        end++;
      }
      end = Math.min(ops.size(), lastChange + CONTEXT + 1);
      int oldCount = 0;
      int newCount = 0;
      for (int m = start; m < end; m++) {
        oldCount += ops.get(m).kind() != '+' ? 1 : 0;
        newCount += ops.get(m).kind() != '-' ? 1 : 0;
      }
      out.append("@@ -").append(ops.get(start).oldLine() + 1).append(',').append(oldCount)
          .append(" +").append(ops.get(start).newLine() + 1).append(',').append(newCount).append(" @@\n");
      for (int m = start; m < end; m++) {
        out.append(ops.get(m).kind()).append(ops.get(m).line()).append('\n');
      }
      k = end;
    }
    return out.toString();
  }

  private static String[] split(String s) {
    if (s.isEmpty()) {
      return new String[0];
    }
    String t = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    return t.split("\n", -1);
  }
}
