package dev.tollgate.rego.testing;

import java.util.Map;

/** Reads the source text at a {@code file:line:col} location of loaded modules. */
final class SourceText {
  private final Map<String, String> modules;

  SourceText(Map<String, String> modules) {
    this.modules = modules;
  }

  /** A parsed {@code file:line:col}; col and line are 1-based, 0 when absent. */
  record Location(String file, int line, int col) {
    static Location parse(String s) {
      int c2 = s.lastIndexOf(':');
      int c1 = c2 > 0 ? s.lastIndexOf(':', c2 - 1) : -1;
      if (c1 < 0) {
        return new Location(s, 0, 0);
      }
      try {
        return new Location(s.substring(0, c1), Integer.parseInt(s.substring(c1 + 1, c2)),
            Integer.parseInt(s.substring(c2 + 1)));
      } catch (NumberFormatException e) {
        return new Location(s, 0, 0);
      }
    }

    @Override
    public String toString() {
      return file + ":" + line + ":" + col;
    }
  }

  /**
   * The expression that starts at {@code location}: from its column to the end of the line, or
   * further while brackets stay open; stops at {@code ;} or a comment outside brackets. Empty when
   * the file is not known.
   */
  String expressionAt(String location) {
    Location l = Location.parse(location);
    String text = modules.get(l.file());
    int pos = lineStart(text, l.line());
    if (pos < 0) {
      return "";
    }
    pos += Math.max(0, l.col() - 1);
    StringBuilder out = new StringBuilder();
    int depth = 0;
    char quote = 0;
    for (int i = pos; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == '\\' && quote == '"' && i + 1 < text.length()) {
          out.append(text.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '`') {
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (c == '#') {
        int nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length() : nl - 1;
        continue;
      } else if (depth == 0 && (c == '\n' || c == ';')) {
        break;
      }
      if (c == '\n' || c == '\t' || c == '\r') {
        if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
          out.append(' ');
        }
        continue;
      }
      out.append(c);
    }
    return out.toString().replaceAll(" {2,}", " ").strip();
  }

  /** The whole source line of {@code location}, trimmed; empty when unknown. */
  String lineAt(String location) {
    Location l = Location.parse(location);
    String text = modules.get(l.file());
    int pos = lineStart(text, l.line());
    if (pos < 0) {
      return "";
    }
    int end = text.indexOf('\n', pos);
    return text.substring(pos, end < 0 ? text.length() : end).strip();
  }

  /** Offset of 1-based {@code line} in {@code text}; -1 when the text or the line is not there. */
  private static int lineStart(String text, int line) {
    if (text == null || line <= 0) {
      return -1;
    }
    int pos = 0;
    for (int i = 1; i < line; i++) {
      pos = text.indexOf('\n', pos);
      if (pos < 0) {
        return -1;
      }
      pos++;
    }
    return pos;
  }
}
