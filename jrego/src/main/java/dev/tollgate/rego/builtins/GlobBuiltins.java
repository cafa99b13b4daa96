package dev.tollgate.rego.builtins;

import com.google.re2j.Pattern;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;

/**
 * {@code glob.match} and {@code glob.quote_meta} with the syntax of the gobwas/glob library OPA
 * uses: {@code *} (any run of non-delimiters), {@code **} (any run), {@code ?} (one
 * non-delimiter), {@code [abc]}, {@code [a-z]}, {@code [!...]}, {@code {a,b}} alternatives and
 * {@code \} escapes, reporting syntax errors as its current release does ({@code glob: syntax
 * error at OFFSET: reason}). A pattern is translated to an RE2 expression, so matching is linear.
 */
final class GlobBuiltins {

  private GlobBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("glob.match", 3, (ctx, a) -> match(ctx.policyCache(), a));
    r.function("glob.quote_meta", 1, (ctx, a) -> StringValue.of(quoteMeta(Args.string(a, 0))));
  }

  private static Value match(BuiltinCache cache, Value[] a) throws BuiltinException {
    String pattern = Args.string(a, 0);
    // The pattern and delimiters are policy constants nearly always: their compiled form is
    // looked up by those operands, without building the delimiter string on a hit.
    GlobKey key = new GlobKey(pattern, a[1]);
    if (cache.patterns.get(key) instanceof Glob g) {
      return BooleanValue.of(g.matches(Args.string(a, 2)));
    }
    StringBuilder delimiters = new StringBuilder();
    if (a[1] instanceof ArrayValue arr) {
      for (Value v : arr.asList()) {
        if (!(v instanceof StringValue s)) {
          throw StringBuiltins.elementError(1, arr, v, "string");
        }
        if (s.value().codePointCount(0, s.value().length()) != 1) {
          throw StringBuiltins.elementError(1, arr, v, "rune");
        }
        delimiters.append(s.value());
      }
      if (arr.isEmpty()) {
        delimiters.append('.');
      }
    } else if (!(a[1] instanceof NullValue)) {
      throw Args.mustBeOneOf(1, a[1], "array", "null");
    }
    String value = Args.string(a, 2);
    return BooleanValue.of(compile(cache, key, pattern, delimiters.toString()).matches(value));
  }

  /** A glob's cache key: its pattern and the delimiters operand as given (an array or null). */
  private record GlobKey(String pattern, Value delimiters) {}

  /** A compiled glob. Plain text and {@code text**} are compared as strings, without a regex. */
  private sealed interface Glob {
    boolean matches(String value);
  }

  private record Literal(String text) implements Glob {
    @Override
    public boolean matches(String value) {
      return value.equals(text);
    }
  }

  /** {@code prefix**}: {@code **} matches any run of characters, delimiters included. */
  private record Prefix(String prefix) implements Glob {
    @Override
    public boolean matches(String value) {
      return value.startsWith(prefix);
    }
  }

  private record Regex(Pattern pattern) implements Glob {
    @Override
    public boolean matches(String value) {
      return pattern.matcher(value).matches();
    }
  }

  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      if ("*?[]{}\\".indexOf(s.charAt(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static Glob compile(BuiltinCache cache, GlobKey key, String pattern, String delimiters)
      throws BuiltinException {
    Object cached = cache.patterns.get(key);
    if (cached == null) {
      try {
        Pattern re = Pattern.compile(new Translator(pattern, delimiters).translate(), Pattern.DOTALL);
        // translated first, so a plain pattern is also one the glob syntax accepts
        if (plain(pattern)) {
          cached = new Literal(pattern);
        } else if (pattern.endsWith("**") && plain(pattern.substring(0, pattern.length() - 2))) {
          cached = new Prefix(pattern.substring(0, pattern.length() - 2));
        } else {
          cached = new Regex(re);
        }
      } catch (BuiltinException e) {
        cached = e.getMessage();
      } catch (com.google.re2j.PatternSyntaxException e) {
        // Not expected for a translated glob; reported rather than thrown.
        cached = "invalid glob pattern: " + e.getDescription();
      }
      cache.patterns.put(key, cached);
    }
    if (cached instanceof String message) {
      throw BuiltinException.failure(message);
    }
    return (Glob) cached;
  }

  /** gobwas/glob's QuoteMeta: escapes {@code * ? \ [ ] { }}. */
  static String quoteMeta(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("*?\\[]{}".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** Reads a glob the way gobwas/glob's lexer and parser do and writes the RE2 equivalent. */
  private static final class Translator {
    private final int[] in;
    private final String delimiters;
    private final StringBuilder out = new StringBuilder();
    private int pos;
    private int termsLevel;

    Translator(String pattern, String delimiters) {
      this.in = pattern.codePoints().toArray();
      this.delimiters = delimiters;
    }

    String translate() throws BuiltinException {
      while (pos < in.length) {
        int r = in[pos++];
        if (r == '{') {
          termsLevel++;
          out.append("(?:");
        } else if (r == ',' && termsLevel > 0) {
          out.append('|');
        } else if (r == '}' && termsLevel > 0) {
          termsLevel--;
          out.append(')');
        } else if (r == '[') {
          range();
        } else if (r == '?') {
          out.append(delimiters.isEmpty() ? "." : "[^" + classChars(delimiters) + "]");
        } else if (r == '*') {
          if (pos < in.length && in[pos] == '*') {
            pos++;
            out.append(".*");
          } else {
            out.append(delimiters.isEmpty() ? ".*" : "[^" + classChars(delimiters) + "]*");
          }
        } else {
          pos--;
          text(termsLevel > 0 ? "?*[{}," : "?*[{");
        }
      }
      if (termsLevel > 0) {
        throw syntaxError(in.length, "unclosed `{`");
      }
      return out.toString();
    }

    /** gobwas/glob's SyntaxError text; the offset counts UTF-8 bytes up to code point {@code at}. */
    private BuiltinException syntaxError(int at, String reason) {
      int bytes = 0;
      for (int i = 0; i < at && i < in.length; i++) {
        int cp = in[i];
        bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      }
      return BuiltinException.failure("glob: syntax error at " + bytes + ": " + reason);
    }

    /** Literal text up to a breaker; a backslash escapes the next character. */
    private void text(String breakers) throws BuiltinException {
      boolean escaped = false;
      while (pos < in.length) {
        int r = in[pos++];
        if (!escaped) {
          if (r == '\\') {
            escaped = true;
            continue;
          }
          if (breakers.indexOf(r) >= 0) {
            pos--;
            return;
          }
        }
        escaped = false;
        literal(out, r);
      }
      if (escaped) {
        throw syntaxError(in.length, "trailing backslash");
      }
    }

    /** A character class after its '[': either {@code lo-hi} or a list, optionally negated. */
    private void range() throws BuiltinException {
      boolean not = false;
      if (pos < in.length && in[pos] == '!') {
        not = true;
        pos++;
      }
      if (pos >= in.length) {
        throw syntaxError(in.length, "unexpected end of input");
      }
      if (pos + 1 < in.length && in[pos + 1] == '-') {
        int lo = in[pos];
        pos += 2;
        if (pos >= in.length) {
          throw syntaxError(in.length, "unexpected end of input");
        }
        int hi = in[pos++];
        if (pos >= in.length) {
          throw syntaxError(in.length, "unexpected end of input");
        }
        if (in[pos++] != ']') {
          throw syntaxError(pos, "expected close range character");
        }
        if (hi < lo) {
          throw syntaxError(pos, "range hi character is less than lo");
        }
        out.append(not ? "[^" : "[");
        classChar(out, lo);
        out.append('-');
        classChar(out, hi);
        out.append(']');
        return;
      }
      StringBuilder chars = new StringBuilder();
      boolean escaped = false;
      while (pos < in.length) {
        int r = in[pos];
        if (!escaped) {
          if (r == '\\') {
            escaped = true;
            pos++;
            continue;
          }
          if (r == ']') {
            break;
          }
        }
        escaped = false;
        chars.appendCodePoint(r);
        pos++;
      }
      if (escaped) {
        throw syntaxError(in.length, "trailing backslash");
      }
      if (pos >= in.length) {
        throw syntaxError(in.length, "unexpected end of input");
      }
      pos++; // ']'
      if (chars.isEmpty()) {
        throw syntaxError(pos, "could not parse range");
      }
      out.append(not ? "[^" : "[").append(classChars(chars.toString())).append(']');
    }

    private static String classChars(String s) {
      StringBuilder sb = new StringBuilder();
      s.codePoints().forEach(cp -> classChar(sb, cp));
      return sb.toString();
    }

    private static void classChar(StringBuilder sb, int cp) {
      sb.append("\\x{").append(Integer.toHexString(cp)).append('}');
    }

    private static void literal(StringBuilder sb, int cp) {
      if (cp < 0x80 && "\\.+*?()|[]{}^$".indexOf(cp) >= 0) {
        sb.append('\\').append((char) cp);
      } else if (cp < 0x20 || cp == 0x7F) {
        classChar(sb, cp);
      } else {
        sb.appendCodePoint(cp);
      }
    }
  }
}
