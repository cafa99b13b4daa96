package dev.tollgate.rego.builtins;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Regular expression built-ins on RE2 (linear time, no backtracking), with Go's regexp
 * semantics for repeated matching, splitting and {@code $} expansion in replacements.
 */
final class RegexBuiltins {

  private RegexBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("regex.is_valid", 1, (ctx, a) -> isValid(ctx, a));
    r.function("regex.match", 2, (ctx, a) -> match(ctx, a));
    r.function("re_match", 2, (ctx, a) -> match(ctx, a));
    r.function("regex.find_n", 3, (ctx, a) -> findN(ctx, a));
    r.function("regex.find_all_string_submatch_n", 3, (ctx, a) -> findAllSubmatch(ctx, a));
    r.function("regex.split", 2, (ctx, a) -> split(ctx, a));
    r.function("regex.replace", 3, (ctx, a) -> replace(ctx, a));
    r.function("regex.template_match", 4, (ctx, a) -> templateMatch(ctx, a));
    r.function("regex.globs_match", 2, (ctx, a) -> globsMatch(ctx, a));
  }

  private static Value isValid(BuiltinContext ctx, Value[] a) {
    if (!(a[0] instanceof StringValue s)) {
      return BooleanValue.FALSE;
    }
    try {
      compile(ctx.policyCache(), s.value());
      return BooleanValue.TRUE;
    } catch (BuiltinException e) {
      return BooleanValue.FALSE;
    }
  }

  private static Value match(BuiltinContext ctx, Value[] a) throws BuiltinException {
    String pattern = Args.string(a, 0);
    String value = Args.string(a, 1);
    return BooleanValue.of(compile(ctx.policyCache(), pattern).matcher(value).find());
  }

  private static Value findN(BuiltinContext ctx, Value[] a) throws BuiltinException {
    String pattern = Args.string(a, 0);
    String value = Args.string(a, 1);
    long n = Args.integer(a, 2);
    Pattern re = compile(ctx.policyCache(), pattern);
    List<Value> out = new ArrayList<>();
    for (int[] m : allMatches(re, value, n)) {
      out.add(StringValue.of(value.substring(m[0], m[1])));
    }
    return ArrayValue.of(out);
  }

  private static Value findAllSubmatch(BuiltinContext ctx, Value[] a) throws BuiltinException {
    String pattern = Args.string(a, 0);
    String value = Args.string(a, 1);
    long n = Args.integer(a, 2);
    Pattern re = compile(ctx.policyCache(), pattern);
    List<Value> out = new ArrayList<>();
    for (int[] m : allMatches(re, value, n)) {
      Value[] groups = new Value[m.length / 2];
      for (int g = 0; g < groups.length; g++) {
        groups[g] = m[2 * g] < 0 ? StringValue.EMPTY
            : StringValue.of(value.substring(m[2 * g], m[2 * g + 1]));
      }
      out.add(ArrayValue.wrap(groups));
    }
    return ArrayValue.of(out);
  }

  /** Go's regexp.Split(s, -1), including its handling of a trailing empty piece. */
  private static Value split(BuiltinContext ctx, Value[] a) throws BuiltinException {
    String pattern = Args.string(a, 0);
    String s = Args.string(a, 1);
    Pattern re = compile(ctx.policyCache(), pattern);
    if (!pattern.isEmpty() && s.isEmpty()) {
      return ArrayValue.of(StringValue.EMPTY);
    }
    List<Value> out = new ArrayList<>();
    int beg = 0;
    int end = 0;
    for (int[] m : allMatches(re, s, -1)) {
      end = m[0];
      if (m[1] != 0) {
        out.add(StringValue.of(s.substring(beg, end)));
      }
      beg = m[1];
    }
    if (end != s.length()) {
      out.add(StringValue.of(s.substring(beg)));
    }
    return ArrayValue.of(out);
  }

  /** Go's Regexp.ReplaceAllString: {@code $1}, {@code ${name}} and {@code $$} in the replacement. */
  private static Value replace(BuiltinContext ctx, Value[] a) throws BuiltinException {
    String s = Args.string(a, 0);
    String pattern = Args.string(a, 1);
    String template = Args.string(a, 2);
    Pattern re = compile(ctx.policyCache(), pattern);
    Matcher m = re.matcher(s);
    StringBuilder sb = new StringBuilder();
    int lastMatchEnd = 0;
    int searchPos = 0;
    while (searchPos <= s.length() && m.find(searchPos)) {
      int start = m.start();
      int end = m.end();
      sb.append(s, lastMatchEnd, start);
      // No replacement for an empty match right after the previous match.
      if (end > lastMatchEnd || start == 0) {
        expand(sb, template, s, m, re);
      }
      lastMatchEnd = end;
      int width = searchPos < s.length() ? Character.charCount(s.codePointAt(searchPos)) : 1;
      if (searchPos + width > end) {
        searchPos += width;
      } else if (searchPos + 1 > end) {
        searchPos++;
      } else {
        searchPos = end;
      }
    }
    sb.append(s, Math.min(lastMatchEnd, s.length()), s.length());
    return StringValue.of(sb.toString());
  }

  private static void expand(StringBuilder sb, String template, String src, Matcher m, Pattern re) {
    int i = 0;
    while (i < template.length()) {
      int dollar = template.indexOf('$', i);
      if (dollar < 0) {
        break;
      }
      sb.append(template, i, dollar);
      i = dollar + 1;
      if (i < template.length() && template.charAt(i) == '$') {
        sb.append('$');
        i++;
        continue;
      }
      boolean brace = i < template.length() && template.charAt(i) == '{';
      int nameStart = brace ? i + 1 : i;
      int j = nameStart;
      while (j < template.length()) {
        int cp = template.codePointAt(j);
        if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
          break;
        }
        j += Character.charCount(cp);
      }
      if (j == nameStart || (brace && (j >= template.length() || template.charAt(j) != '}'))) {
        sb.append('$'); // malformed: the dollar is literal text
        continue;
      }
      String name = template.substring(nameStart, j);
      i = brace ? j + 1 : j;
      int num = groupNumber(name);
      if (num >= 0) {
        if (num <= m.groupCount() && m.start(num) >= 0) {
          sb.append(src, m.start(num), m.end(num));
        }
      } else {
        // The first group of that name that took part in the match, as in Go.
        for (int g : groupsNamed(re, name)) {
          if (m.start(g) >= 0) {
            sb.append(src, m.start(g), m.end(g));
            break;
          }
        }
      }
    }
    sb.append(template, Math.min(i, template.length()), template.length());
  }

  private static int groupNumber(String name) {
    int num = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9' || num >= 100_000_000) {
        return -1;
      }
      num = num * 10 + (c - '0');
    }
    if (name.charAt(0) == '0' && name.length() > 1) {
      return -1;
    }
    return num;
  }

  /**
   * Go's allMatches: successive leftmost matches, skipping an empty match that directly follows
   * the previous match; {@code n < 0} means all. Each entry holds start/end pairs per group.
   */
  static List<int[]> allMatches(Pattern re, String s, long n) {
    List<int[]> out = new ArrayList<>();
    if (n == 0) {
      return out;
    }
    Matcher m = re.matcher(s);
    int pos = 0;
    int prevMatchEnd = -1;
    while ((n < 0 || out.size() < n) && pos <= s.length()) {
      if (!m.find(pos)) {
        break;
      }
      boolean accept = true;
      if (m.end() == pos) {
        if (m.start() == prevMatchEnd) {
          accept = false;
        }
        pos += pos < s.length() ? Character.charCount(s.codePointAt(pos)) : 1;
      } else {
        pos = m.end();
      }
      prevMatchEnd = m.end();
      if (accept) {
        int[] g = new int[2 * (m.groupCount() + 1)];
        for (int i = 0; i <= m.groupCount(); i++) {
          g[2 * i] = m.start(i);
          g[2 * i + 1] = m.end(i);
        }
        out.add(g);
      }
    }
    return out;
  }

  private record RegexKey(String pattern) {}

  /** Compiles with the policy's cache; failures carry Go's regexp error text. */
  static Pattern compile(BuiltinCache cache, String pattern) throws BuiltinException {
    RegexKey key = new RegexKey(pattern);
    Object cached = cache.patterns.get(key);
    if (cached == null) {
      cached = compileUncached(pattern);
      cache.patterns.put(key, cached);
    }
    if (cached instanceof String message) {
      throw BuiltinException.failure(message);
    }
    return (Pattern) cached;
  }

  private static Object compileUncached(String pattern) {
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      if ("duplicate capture group name".equals(e.getDescription())) {
        // Go allows a name on several groups; RE2/J does not, so the repeats get unique names.
        String renamed = renameDuplicateGroups(pattern);
        if (renamed != null) {
          try {
            return Pattern.compile(renamed);
          } catch (PatternSyntaxException again) {
            return goError(renamed, again);
          }
        }
      }
      return goError(pattern, e);
    }
  }

  /** Marks a renamed duplicate: the original name, this separator, a counter. */
  private static final String DUPLICATE = "__dup";

  /** Group indexes carrying {@code name} (before any renaming), in order. */
  private static List<Integer> groupsNamed(Pattern re, String name) {
    List<Integer> out = new ArrayList<>();
    for (Map.Entry<String, Integer> e : re.namedGroups().entrySet()) {
      String n = e.getKey();
      int cut = n.indexOf(DUPLICATE);
      if ((cut < 0 ? n : n.substring(0, cut)).equals(name)) {
        out.add(e.getValue());
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * Gives repeated group names ({@code (?P<n>..)} or {@code (?<n>..)}) unique ones, skipping
   * escapes, {@code \Q...\E} and character classes; null when nothing was renamed.
   */
  static String renameDuplicateGroups(String p) {
    StringBuilder out = new StringBuilder(p.length() + 16);
    java.util.Set<String> seen = new java.util.HashSet<>();
    int counter = 0;
    boolean changed = false;
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '\\') {
        if (p.startsWith("\\Q", i)) {
          int end = p.indexOf("\\E", i + 2);
          int stop = end < 0 ? p.length() : end + 2;
          out.append(p, i, stop);
          i = stop;
        } else {
          int stop = Math.min(p.length(), i + 2);
          out.append(p, i, stop);
          i = stop;
        }
      } else if (c == '[') {
        int j = i + 1;
        if (j < p.length() && p.charAt(j) == '^') {
          j++;
        }
        if (j < p.length() && p.charAt(j) == ']') {
          j++;
        }
        while (j < p.length() && p.charAt(j) != ']') {
          if (p.charAt(j) == '\\') {
            j++;
          } else if (p.startsWith("[:", j)) {
            int close = p.indexOf(":]", j + 2);
            if (close > 0) {
              j = close + 1;
            }
          }
          j++;
        }
        int stop = Math.min(p.length(), j + 1);
        out.append(p, i, stop);
        i = stop;
      } else if (p.startsWith("(?P<", i) || p.startsWith("(?<", i)) {
        int nameStart = i + (p.charAt(i + 2) == 'P' ? 4 : 3);
        int close = p.indexOf('>', nameStart);
        if (close < 0) {
          out.append(p, i, p.length());
          break;
        }
        String name = p.substring(nameStart, close);
        out.append(p, i, nameStart);
        if (seen.add(name)) {
          out.append(name);
        } else {
          out.append(name).append(DUPLICATE).append(++counter);
          changed = true;
        }
        i = close;
      } else {
        out.append(c);
        i++;
      }
    }
    return changed ? out.toString() : null;
  }

  private static String goError(String pattern, PatternSyntaxException e) {
    String desc = e.getDescription();
    if (desc != null && desc.contains("internal error") && "stack underflow".equals(e.getPattern())) {
      return "error parsing regexp: unexpected ): `" + pattern + "`";
    }
    return e.getMessage();
  }

  /**
   * A template whose delimited parts are regular expressions and whose other parts are literal,
   * matched against the whole value.
   */
  private static Value templateMatch(BuiltinContext ctx, Value[] a) throws BuiltinException {
    String template = Args.string(a, 0);
    String value = Args.string(a, 1);
    String start = Args.string(a, 2);
    String end = Args.string(a, 3);
    int startLen = start.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    int endLen = end.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (startLen != 1) {
      throw BuiltinException.failure(
          "start delimiter has to be exactly one character long but is " + startLen + " long");
    }
    if (endLen != 1) {
      // OPA reports the start delimiter's length here.
      throw BuiltinException.failure(
          "end delimiter has to be exactly one character long but is " + startLen + " long");
    }
    char open = start.charAt(0);
    char close = end.charAt(0);
    List<Integer> idxs = new ArrayList<>();
    int level = 0;
    int idx = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == open) {
        if (++level == 1) {
          idx = i;
        }
      } else if (c == close) {
        if (--level == 0) {
          idxs.add(idx);
          idxs.add(i + 1);
        } else if (level < 0) {
          throw unbalanced(template);
        }
      }
    }
    if (level != 0) {
      throw unbalanced(template);
    }
    StringBuilder pattern = new StringBuilder("^");
    int last = 0;
    for (int i = 0; i < idxs.size(); i += 2) {
      String raw = template.substring(last, idxs.get(i));
      last = idxs.get(i + 1);
      String part = template.substring(idxs.get(i) + 1, last - 1);
      compile(ctx.policyCache(), "^" + part + "$");
      pattern.append(quoteMeta(raw)).append('(').append(part).append(')');
    }
    pattern.append(quoteMeta(template.substring(last))).append('$');
    return BooleanValue.of(compile(ctx.policyCache(), pattern.toString()).matcher(value).find());
  }

  private static BuiltinException unbalanced(String template) {
    StringBuilder sb = new StringBuilder("unbalanced braces in ");
    GoFormat.quote(sb, template, false);
    return BuiltinException.failure(sb.toString());
  }

  /** Go's regexp.QuoteMeta. */
  static String quoteMeta(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static Value globsMatch(BuiltinContext ctx, Value[] a) throws BuiltinException {
    String g1 = Args.string(a, 0);
    String g2 = Args.string(a, 1);
    return BooleanValue.of(GlobIntersection.nonEmpty(g1, g2));
  }
}
