package dev.tollgate.authz.policy.bundle;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code package} declaration at the head of a Rego module, which is all the bundle
 * needs to check a module against the manifest roots. Full parsing belongs to the engine.
 */
final class RegoPackages {
  private RegoPackages() {}

  static List<String> packagePath(String path, String text) throws BundleException {
    Scanner s = new Scanner(path, text);
    s.skipSpaceAndComments();
    if (!s.keyword("package")) {
      throw s.error("expected a package declaration");
    }
    s.skipInlineSpace();
    List<String> segments = new ArrayList<>();
    String first = s.identifier();
    if (first == null) {
      throw s.error("expected a package name after 'package'");
    }
    segments.add(first);
    while (true) {
      if (s.peek() == '.') {
        s.pos++;
        String next = s.identifier();
        if (next == null) {
          throw s.error("expected a name after '.' in the package declaration");
        }
        segments.add(next);
      } else if (s.peek() == '[') {
        s.pos++;
        s.skipInlineSpace();
        String key = s.stringLiteral();
        if (key == null) {
          throw s.error("expected a string in '[...]' of the package declaration");
        }
        s.skipInlineSpace();
        if (s.peek() != ']') {
          throw s.error("expected ']' in the package declaration");
        }
        s.pos++;
        segments.add(key);
      } else {
        break;
      }
    }
    // "package data.x" is legal Rego and names the same package as "package x".
    if (segments.getFirst().equals("data") && segments.size() > 1) {
      segments.removeFirst();
    }
    return List.copyOf(segments);
  }

  private static final class Scanner {
    final String path;
    final String text;
    int pos;

    Scanner(String path, String text) {
      this.path = path;
      this.text = text;
      if (text.startsWith("\uFEFF")) {
        pos = 1;
      }
    }

    int peek() {
      return pos < text.length() ? text.charAt(pos) : -1;
    }

    void skipSpaceAndComments() {
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '#') {
          while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
          }
        } else if (Character.isWhitespace(c)) {
          pos++;
        } else {
          return;
        }
      }
    }

    void skipInlineSpace() {
      while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
        pos++;
      }
    }

    boolean keyword(String word) {
      if (text.startsWith(word, pos)) {
        int end = pos + word.length();
        if (end < text.length() && isIdentPart(text.charAt(end))) {
          return false;
        }
        pos = end;
        return true;
      }
      return false;
    }

    String identifier() {
      int start = pos;
      if (pos < text.length() && isIdentStart(text.charAt(pos))) {
        pos++;
        while (pos < text.length() && isIdentPart(text.charAt(pos))) {
          pos++;
        }
        return text.substring(start, pos);
      }
      return null;
    }

    String stringLiteral() throws BundleException {
      if (peek() == '`') {
        int end = text.indexOf('`', pos + 1);
        if (end < 0) {
          throw error("unterminated raw string in the package declaration");
        }
        String s = text.substring(pos + 1, end);
        pos = end + 1;
        return s;
      }
      if (peek() != '"') {
        return null;
      }
      StringBuilder b = new StringBuilder();
      pos++;
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\n') {
          break;
        }
        if (c == '\\' && pos < text.length()) {
          char e = text.charAt(pos++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              if (pos + 4 > text.length()) {
                throw error("bad \\u escape in the package declaration");
              }
              try {
                b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
              } catch (NumberFormatException ex) {
                throw error("bad \\u escape in the package declaration");
              }
              pos += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
      throw error("unterminated string in the package declaration");
    }

    static boolean isIdentStart(char c) {
      return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isIdentPart(char c) {
      return isIdentStart(c) || (c >= '0' && c <= '9');
    }

    BundleException error(String what) {
      int line = 1;
      int col = 1;
      for (int i = 0; i < pos && i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          line++;
          col = 1;
        } else {
          col++;
        }
      }
      return BundleException.at(path, what + " (line " + line + ", column " + col + ")");
    }
  }
}
