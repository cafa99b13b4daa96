package dev.tollgate.rego.builtins;

/**
 * Checks JSON text the way Go's {@code encoding/json} scanner does and words syntax errors like it
 * ({@code invalid character 'e' looking for beginning of value}, {@code unexpected end of JSON
 * input}), because OPA passes those messages through to policy authors.
 */
final class GoJsonSyntax {
  private final String s;
  private int pos;

  private GoJsonSyntax(String s) {
    this.s = s;
  }

  /** Null when {@code text} is one valid JSON value, else Go's error message. */
  static String check(String text) {
    GoJsonSyntax c = new GoJsonSyntax(text);
    try {
      c.skipSpace();
      c.value();
      c.skipSpace();
      if (c.pos < text.length()) {
        throw c.invalid("after top-level value");
      }
      return null;
    } catch (SyntaxError e) {
      return e.getMessage();
    }
  }

  private static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  private SyntaxError invalid(String context) {
    if (pos >= s.length()) {
      return new SyntaxError("unexpected end of JSON input");
    }
    return new SyntaxError("invalid character " + quoteChar(s.codePointAt(pos)) + " " + context);
  }

  static String quoteChar(int c) {
    if (c == '\'') {
      return "'\\''";
    }
    if (c == '"') {
      return "'\"'";
    }
    if (c < 0x20 || c == 0x7f) {
      String q = switch (c) {
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        case '\t' -> "\\t";
        case 0x07 -> "\\a";
        case 0x08 -> "\\b";
        case 0x0c -> "\\f";
        case 0x0b -> "\\v";
        default -> String.format("\\x%02x", c);
      };
      return "'" + q + "'";
    }
    return "'" + new String(Character.toChars(c)) + "'";
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private void value() throws SyntaxError {
    if (pos >= s.length()) {
      throw invalid("");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          throw invalid("looking for beginning of value");
        }
      }
    }
  }

  private void object() throws SyntaxError {
    if (opensEmpty('}')) {
      return;
    }
    do {
      if (pos >= s.length() || s.charAt(pos) != '"') {
        throw invalid("looking for beginning of object key string");
      }
      string();
      skipSpace();
      if (pos >= s.length() || s.charAt(pos) != ':') {
        throw invalid("after object key");
      }
      pos++;
      skipSpace();
      value();
    } while (more('}', "after object key:value pair"));
  }

  private void array() throws SyntaxError {
    if (opensEmpty(']')) {
      return;
    }
    do {
      value();
    } while (more(']', "after array element"));
  }

  /** Steps past an opening bracket; true (and past {@code close}) when nothing is inside. */
  private boolean opensEmpty(char close) {
    pos++;
    skipSpace();
    if (pos < s.length() && s.charAt(pos) == close) {
      pos++;
      return true;
    }
    return false;
  }

  /** After a member: true past a comma, false past {@code close}, else a syntax error. */
  private boolean more(char close, String context) throws SyntaxError {
    skipSpace();
    if (pos < s.length() && s.charAt(pos) == ',') {
      pos++;
      skipSpace();
      return true;
    }
    if (pos < s.length() && s.charAt(pos) == close) {
      pos++;
      return false;
    }
    throw invalid(context);
  }

  private void string() throws SyntaxError {
    pos++;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '"') {
        pos++;
        return;
      }
      if (c < 0x20) {
        throw invalid("in string literal");
      }
      if (c == '\\') {
        pos++;
        if (pos >= s.length()) {
          break;
        }
        char e = s.charAt(pos);
        if (e == 'u') {
          for (int i = 0; i < 4; i++) {
            pos++;
            if (pos >= s.length()) {
              throw invalid("");
            }
            if (Character.digit(s.charAt(pos), 16) < 0) {
              throw invalid("in \\u hexadecimal character escape");
            }
          }
        } else if ("\"\\/bfnrt".indexOf(e) < 0) {
          throw invalid("in string escape code");
        }
      }
      pos++;
    }
    throw invalid("");
  }

  private void literal(String word) throws SyntaxError {
    for (int i = 0; i < word.length(); i++, pos++) {
      if (pos >= s.length()) {
        throw invalid("");
      }
      if (s.charAt(pos) != word.charAt(i)) {
        throw invalid("in literal " + word + " (expecting '" + word.charAt(i) + "')");
      }
    }
  }

  private void number() throws SyntaxError {
    if (s.charAt(pos) == '-') {
      pos++;
      if (pos >= s.length() || !digit()) {
        throw invalid("in numeric literal");
      }
    }
    if (s.charAt(pos) == '0') {
      pos++;
    } else {
      while (pos < s.length() && digit()) {
        pos++;
      }
    }
    if (pos < s.length() && s.charAt(pos) == '.') {
      pos++;
      if (pos >= s.length() || !digit()) {
        throw invalid("after decimal point in numeric literal");
      }
      while (pos < s.length() && digit()) {
        pos++;
      }
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      pos++;
      if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        pos++;
      }
      if (pos >= s.length() || !digit()) {
        throw invalid("in exponent of numeric literal");
      }
      while (pos < s.length() && digit()) {
        pos++;
      }
    }
  }

  private boolean digit() {
    char c = s.charAt(pos);
    return c >= '0' && c <= '9';
  }
}
