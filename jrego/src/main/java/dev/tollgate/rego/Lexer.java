package dev.tollgate.rego;

import java.util.ArrayList;
import java.util.List;

/** Splits Rego source into tokens, remembering which tokens start a new line. */
final class Lexer {
  enum T {
    IDENT,
    STRING,
    RAWSTRING,
    NUMBER,
    PUNCT,
    EOF
  }

  record Tok(T type, String text, int line, int col, boolean nlBefore) {
    boolean is(String p) {
      return (type == T.PUNCT || type == T.IDENT) && text.equals(p);
    }

    @Override
    public String toString() {
      return type == T.EOF ? "EOF" : text;
    }
  }

  private static final String[] PUNCTS = {
    ":=", "==", "!=", "<=", ">=", "{", "}", "[", "]", "(", ")", ".", ",", ";", ":", "=", "<", ">",
    "+", "-", "*", "/", "%", "|", "&"
  };

  private final String src;
  private final String file;
  private int pos;
  private int line = 1;
  private int lineStart;

  private Lexer(String file, String src) {
    this.src = src;
    this.file = file;
  }

  /** Comment text (after '#') by line, for METADATA annotations. */
  final java.util.Map<Integer, String> comments = new java.util.HashMap<>();

  static List<Tok> lex(String file, String src) {
    return new Lexer(file, src).run();
  }

  static Lexer lexer(String file, String src) {
    return new Lexer(file, src);
  }

  List<Tok> tokens() {
    return run();
  }

  private RegoException err(String msg, int l, int c) {
    return new RegoException(
        new RegoError("rego_parse_error", msg, file + ":" + l + ":" + c));
  }

  private List<Tok> run() {
    List<Tok> out = new ArrayList<>();
    boolean nl = true;
    while (true) {
      // skip whitespace/comments
      while (pos < src.length()) {
        char c = src.charAt(pos);
        if (c == '\n') {
          nl = true;
          pos++;
          line++;
          lineStart = pos;
        } else if (c == ' ' || c == '\t' || c == '\r') {
          pos++;
        } else if (c == '#') {
          int start = pos + 1;
          while (pos < src.length() && src.charAt(pos) != '\n') {
            pos++;
          }
          comments.put(line, src.substring(start, pos));
        } else {
          break;
        }
      }
      int col = pos - lineStart + 1;
      if (pos >= src.length()) {
        out.add(new Tok(T.EOF, "", line, col, true));
        return out;
      }
      char c = src.charAt(pos);
      int start = pos;
      int l = line;
      if (Character.isLetter(c) || c == '_') {
        while (pos < src.length()
            && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
          pos++;
        }
        out.add(new Tok(T.IDENT, interned(src.substring(start, pos)), l, col, nl));
      } else if (c >= '0' && c <= '9') {
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
          pos++;
        }
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
          pos++;
          while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
          }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
          int save = pos;
          pos++;
          if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
            pos++;
          }
          if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
              pos++;
            }
          } else {
            pos = save;
          }
        }
        if (pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
          throw err("unexpected character after number", l, col);
        }
        out.add(new Tok(T.NUMBER, src.substring(start, pos), l, col, nl));
      } else if (c == '"') {
        out.add(new Tok(T.STRING, interned(readString(l, col)), l, col, nl));
      } else if (c == '`') {
        int end = src.indexOf('`', pos + 1);
        if (end < 0) {
          throw err("non-terminated raw string", l, col);
        }
        String s = src.substring(pos + 1, end);
        for (int i = 0; i < s.length(); i++) {
          if (s.charAt(i) == '\n') {
            line++;
            lineStart = pos + 1 + i + 1;
          }
        }
        pos = end + 1;
        out.add(new Tok(T.RAWSTRING, interned(s), l, col, nl));
      } else {
        String p = null;
        for (String cand : PUNCTS) {
          if (src.startsWith(cand, pos)) {
            p = cand;
            break;
          }
        }
        if (p == null) {
          throw err("illegal token '" + c + "'", l, col);
        }
        pos += p.length();
        out.add(new Tok(T.PUNCT, p, l, col, nl));
      }
      nl = false;
    }
  }

  private String readString(int l, int col) {
    StringBuilder sb = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= src.length() || src.charAt(pos) == '\n') {
        throw err("non-terminated string", l, col);
      }
      char c = src.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= src.length()) {
        throw err("non-terminated string", l, col);
      }
      char e = src.charAt(pos++);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > src.length()) {
            throw err("invalid unicode escape in string", l, col);
          }
          try {
            sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw err("invalid unicode escape in string", l, col);
          }
          pos += 4;
        }
        default -> throw err("invalid escape sequence \\" + e + " in string", l, col);
      }
    }
  }

  /**
   * Names and short literals as the JVM's shared instances: data keys parsed by Jackson are
   * interned too, so a lookup of {@code data.access} or {@code input.attributes} compares
   * references, not characters.
   */
  private static String interned(String s) {
    return s.length() <= 256 ? s.intern() : s;
  }
}
