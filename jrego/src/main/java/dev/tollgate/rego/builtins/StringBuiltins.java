package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * String built-ins with Go's semantics: indexes and lengths count code points (Go runes), case
 * mapping is per code point, and white space is Go's {@code unicode.IsSpace}.
 */
final class StringBuiltins {
  private StringBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("concat", 2, (ctx, a) -> concat(a));
    r.function("contains", 2,
        (ctx, a) -> BooleanValue.of(Args.string(a, 0).contains(Args.string(a, 1))));
    r.function("startswith", 2,
        (ctx, a) -> BooleanValue.of(Args.string(a, 0).startsWith(Args.string(a, 1))));
    r.function("endswith", 2,
        (ctx, a) -> BooleanValue.of(Args.string(a, 0).endsWith(Args.string(a, 1))));
    r.function("format_int", 2, (ctx, a) -> formatInt(a));
    r.function("indexof", 2, (ctx, a) -> indexOf(a));
    r.function("indexof_n", 2, (ctx, a) -> indexOfN(a));
    r.function("lower", 1, (ctx, a) -> StringValue.of(mapCase(Args.string(a, 0), false)));
    r.function("upper", 1, (ctx, a) -> StringValue.of(mapCase(Args.string(a, 0), true)));
    r.function("replace", 3, (ctx, a) -> replace(a));
    r.function("split", 2, (ctx, a) -> split(a));
    r.function("strings.split_n", 3, (ctx, a) -> splitN(a));
    r.function("sprintf", 2, (ctx, a) -> sprintf(a));
    r.function("substring", 3, (ctx, a) -> substring(a));
    r.function("trim", 2,
        (ctx, a) -> StringValue.of(trim(Args.string(a, 0), Args.string(a, 1), true, true)));
    r.function("trim_left", 2,
        (ctx, a) -> StringValue.of(trim(Args.string(a, 0), Args.string(a, 1), true, false)));
    r.function("trim_right", 2,
        (ctx, a) -> StringValue.of(trim(Args.string(a, 0), Args.string(a, 1), false, true)));
    r.function("trim_prefix", 2, (ctx, a) -> trimPrefix(a));
    r.function("trim_suffix", 2, (ctx, a) -> trimSuffix(a));
    r.function("trim_space", 1, (ctx, a) -> StringValue.of(trimSpace(Args.string(a, 0))));
    r.function("strings.any_prefix_match", 2, (ctx, a) -> anyMatch(a, true));
    r.function("strings.any_suffix_match", 2, (ctx, a) -> anyMatch(a, false));
    r.function("strings.count", 2, (ctx, a) -> count(a));
    r.function("strings.replace_n", 2, (ctx, a) -> replaceN(a));
    r.function("strings.reverse", 1, (ctx, a) -> StringValue.of(reverse(Args.string(a, 0))));
    r.function("strings.render_template", 2, (ctx, a) -> GoTemplate.render(a));
  }

  private static Value concat(Value[] a) throws BuiltinException {
    String sep = Args.string(a, 0);
    List<Value> items;
    if (a[1] instanceof ArrayValue arr) {
      items = arr.asList();
    } else if (a[1] instanceof SetValue set) {
      items = set.sorted();
    } else {
      throw Args.mustBeOneOf(1, a[1], "set", "array");
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof StringValue s)) {
        throw elementError(1, a[1], items.get(i), "string");
      }
      if (i > 0) {
        sb.append(sep);
      }
      sb.append(s.value());
    }
    return StringValue.of(sb.toString());
  }

  /** OPA's {@code operand N must be array of strings but got array containing number}. */
  static BuiltinException elementError(int i, Value composite, Value element, String expected) {
    String t = composite.typeName();
    return BuiltinException.typeError(
        "operand " + (i + 1) + " must be " + t + " of " + expected + "s but got " + t
            + " containing " + element.typeName());
  }

  private static Value formatInt(Value[] a) throws BuiltinException {
    NumberValue n = Args.number(a, 0);
    NumberValue base = Args.number(a, 1);
    int radix;
    if (base.equals(NumberValue.of(2))) {
      radix = 2;
    } else if (base.equals(NumberValue.of(8))) {
      radix = 8;
    } else if (base.equals(NumberValue.of(10))) {
      radix = 10;
    } else if (base.equals(NumberValue.of(16))) {
      radix = 16;
    } else {
      throw BuiltinException.typeError("operand 2 must be one of {2, 8, 10, 16}");
    }
    // OPA converts through a 64-bit big.Float unless the value is a Go int: large integers
    // lose their low digits, fractions are truncated toward zero.
    BigInteger i = n.isLong() && n.isInteger() ? BigInteger.valueOf(n.longValue())
        : UnitsBuiltins.GoFloat64.bytes(n.toBigDecimal(), BigInteger.ONE);
    return StringValue.of(i.toString(radix));
  }

  private static Value indexOf(Value[] a) throws BuiltinException {
    String base = Args.string(a, 0);
    String search = Args.string(a, 1);
    if (search.isEmpty()) {
      throw BuiltinException.failure("empty search character");
    }
    int idx = base.indexOf(search);
    return NumberValue.of(idx < 0 ? -1 : base.codePointCount(0, idx));
  }

  private static Value indexOfN(Value[] a) throws BuiltinException {
    String base = Args.string(a, 0);
    String search = Args.string(a, 1);
    if (search.isEmpty()) {
      throw BuiltinException.failure("empty search character");
    }
    List<Value> out = new ArrayList<>();
    int runes = 0;
    int last = 0;
    // Overlapping matches count, one per starting code point, as in OPA.
    for (int idx = base.indexOf(search); idx >= 0; idx = base.indexOf(search, next(base, idx))) {
      runes += base.codePointCount(last, idx);
      last = idx;
      out.add(NumberValue.of(runes));
    }
    return ArrayValue.of(out);
  }

  private static int next(String s, int i) {
    return i + Character.charCount(s.codePointAt(i));
  }

  /** Go's strings.ToLower/ToUpper: a simple per-code-point mapping. */
  static String mapCase(String s, boolean upper) {
    // ASCII (header values, bearer tokens): one pass over chars, no code-point building
    int n = s.length();
    int first = -1;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return mapCodePoints(s, upper);
      }
      if (first < 0 && (upper ? c >= 'a' && c <= 'z' : c >= 'A' && c <= 'Z')) {
        first = i;
      }
    }
    if (first < 0) {
      return s;
    }
    char[] out = s.toCharArray();
    for (int i = first; i < n; i++) {
      char c = out[i];
      if (upper ? c >= 'a' && c <= 'z' : c >= 'A' && c <= 'Z') {
        out[i] = (char) (c ^ 0x20);
      }
    }
    return new String(out);
  }

  static String mapCodePoints(String s, boolean upper) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int mapped = upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp);
      if (mapped != cp && sb == null) {
        sb = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (sb != null) {
        sb.appendCodePoint(mapped);
      }
      i += Character.charCount(cp);
    }
    return sb == null ? s : sb.toString();
  }

  private static Value replace(Value[] a) throws BuiltinException {
    String s = Args.string(a, 0);
    String old = Args.string(a, 1);
    String rep = Args.string(a, 2);
    if (!old.isEmpty()) {
      return StringValue.of(s.replace(old, rep));
    }
    // An empty pattern matches before every code point and at the end.
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); ) {
      int n = next(s, i);
      sb.append(rep).append(s, i, n);
      i = n;
    }
    return StringValue.of(sb.append(rep).toString());
  }

  private static Value split(Value[] a) throws BuiltinException {
    return ArrayValue.of(split(Args.string(a, 0), Args.string(a, 1)));
  }

  /** The first {@code n} pieces of a split, or the last {@code -n} when n is negative. */
  private static Value splitN(Value[] a) throws BuiltinException {
    String s = Args.string(a, 0);
    String d = Args.string(a, 1);
    long n = Args.integer(a, 2);
    List<Value> parts = split(s, d);
    int size = parts.size();
    if (n >= 0) {
      return ArrayValue.of(parts.subList(0, (int) Math.min(n, size)));
    }
    return ArrayValue.of(parts.subList((int) Math.max(0, size + n), size));
  }

  /** Go's strings.Split: an empty delimiter splits into code points. */
  private static List<Value> split(String s, String d) {
    List<Value> out = new ArrayList<>();
    if (d.isEmpty()) {
      for (int i = 0; i < s.length(); ) {
        int n = next(s, i);
        out.add(StringValue.of(s.substring(i, n)));
        i = n;
      }
      return out;
    }
    int start = 0;
    for (int idx = s.indexOf(d); idx >= 0; idx = s.indexOf(d, start)) {
      out.add(StringValue.of(s.substring(start, idx)));
      start = idx + d.length();
    }
    out.add(StringValue.of(s.substring(start)));
    return out;
  }

  private static Value sprintf(Value[] a) throws BuiltinException {
    String format = Args.string(a, 0);
    ArrayValue arr = Args.array(a, 1);
    Object[] args = new Object[arr.size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = goArgument(arr.get(i));
    }
    return StringValue.of(GoFormat.sprintf(format, args));
  }

  /**
   * What OPA hands Go's fmt for a value: integers as int or *big.Int, other numbers as float64
   * (or their text when out of float64 range), strings as string, anything else as its Rego text.
   */
  static Object goArgument(Value v) {
    if (v instanceof StringValue s) {
      return s.value();
    }
    if (v instanceof NumberValue n) {
      BigDecimal d = n.toBigDecimal();
      if (n.isLong() && d.scale() <= 0) {
        return n.longValue();
      }
      // Only integers written out in digits reach Go as *big.Int; 2e308 is a float literal.
      if (d.scale() == 0) {
        return n.toBigInteger();
      }
      double f = d.doubleValue();
      if (Double.isInfinite(f)) {
        return RegoText.number(n);
      }
      return f;
    }
    return RegoText.of(v);
  }

  private static Value substring(Value[] a) throws BuiltinException {
    String s = Args.string(a, 0);
    long start = Args.integer(a, 1);
    long length = Args.integer(a, 2);
    if (start < 0) {
      throw BuiltinException.failure("negative offset");
    }
    int runes = s.codePointCount(0, s.length());
    if (start >= runes) {
      return StringValue.EMPTY;
    }
    int from = s.offsetByCodePoints(0, (int) start);
    if (length < 0 || length >= runes - start) {
      return StringValue.of(s.substring(from));
    }
    int to = s.offsetByCodePoints(from, (int) length);
    return StringValue.of(s.substring(from, to));
  }

  /** Go's strings.Trim/TrimLeft/TrimRight: strips code points contained in {@code cutset}. */
  static String trim(String s, String cutset, boolean left, boolean right) {
    if (cutset.isEmpty()) {
      return s;
    }
    int start = 0;
    int end = s.length();
    if (left) {
      while (start < end) {
        int cp = s.codePointAt(start);
        if (!containsCodePoint(cutset, cp)) {
          break;
        }
        start += Character.charCount(cp);
      }
    }
    if (right) {
      while (end > start) {
        int cp = s.codePointBefore(end);
        if (!containsCodePoint(cutset, cp)) {
          break;
        }
        end -= Character.charCount(cp);
      }
    }
    return s.substring(start, end);
  }

  private static boolean containsCodePoint(String set, int cp) {
    return set.indexOf(cp) >= 0;
  }

  private static Value trimPrefix(Value[] a) throws BuiltinException {
    String s = Args.string(a, 0);
    String p = Args.string(a, 1);
    return StringValue.of(s.startsWith(p) ? s.substring(p.length()) : s);
  }

  private static Value trimSuffix(Value[] a) throws BuiltinException {
    String s = Args.string(a, 0);
    String p = Args.string(a, 1);
    return StringValue.of(s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s);
  }

  static String trimSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isGoSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isGoSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  /** Go's unicode.IsSpace. */
  static boolean isGoSpace(int cp) {
    if (cp <= 0xFF) {
      return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xA0;
    }
    int t = Character.getType(cp);
    return t == Character.SPACE_SEPARATOR
        || t == Character.LINE_SEPARATOR
        || t == Character.PARAGRAPH_SEPARATOR;
  }

  private static Value anyMatch(Value[] a, boolean prefix) throws BuiltinException {
    List<String> strs = stringOrCollection(a, 0);
    List<String> affixes = stringOrCollection(a, 1);
    for (String s : strs) {
      for (String x : affixes) {
        if (prefix ? s.startsWith(x) : s.endsWith(x)) {
          return BooleanValue.TRUE;
        }
      }
    }
    return BooleanValue.FALSE;
  }

  private static List<String> stringOrCollection(Value[] a, int i) throws BuiltinException {
    Value v = a[i];
    if (v instanceof StringValue s) {
      return List.of(s.value());
    }
    List<Value> items;
    if (v instanceof ArrayValue arr) {
      items = arr.asList();
    } else if (v instanceof SetValue set) {
      items = set.sorted();
    } else {
      throw Args.mustBeOneOf(i, v, "string", "set", "array");
    }
    List<String> out = new ArrayList<>(items.size());
    for (Value x : items) {
      if (!(x instanceof StringValue s)) {
        throw elementError(i, v, x, "string");
      }
      out.add(s.value());
    }
    return out;
  }

  private static Value count(Value[] a) throws BuiltinException {
    String s = Args.string(a, 0);
    String sub = Args.string(a, 1);
    if (sub.isEmpty()) {
      // Go's strings.Count: an empty substring occurs before each code point and at the end.
      return NumberValue.of(s.codePointCount(0, s.length()) + 1L);
    }
    long n = 0;
    for (int idx = s.indexOf(sub); idx >= 0; idx = s.indexOf(sub, idx + sub.length())) {
      n++;
    }
    return NumberValue.of(n);
  }

  /**
   * Go's strings.NewReplacer with the patterns in key order: at each position the first
   * pattern (in that order) that matches wins, and replaced text is not scanned again.
   */
  private static Value replaceN(Value[] a) throws BuiltinException {
    ObjectValue patterns = Args.object(a, 0);
    String s = Args.string(a, 1);
    List<Value> keys = patterns.sortedKeys();
    String[] olds = new String[keys.size()];
    String[] news = new String[keys.size()];
    for (int i = 0; i < olds.length; i++) {
      if (!(keys.get(i) instanceof StringValue k)) {
        throw BuiltinException.typeError("operand 1 non-string key found in pattern object");
      }
      if (!(patterns.get(k) instanceof StringValue v)) {
        throw BuiltinException.typeError("operand 1 non-string value found in pattern object");
      }
      olds[i] = k.value();
      news[i] = v.value();
    }
    if (olds.length == 0) {
      return StringValue.of(s);
    }
    StringBuilder sb = new StringBuilder(s.length());
    boolean prevEmpty = false;
    int i = 0;
    while (true) {
      int hit = -1;
      for (int p = 0; p < olds.length; p++) {
        // An empty pattern does not match again right after it matched.
        if ((!prevEmpty || !olds[p].isEmpty()) && s.startsWith(olds[p], i)) {
          hit = p;
          break;
        }
      }
      prevEmpty = hit >= 0 && olds[hit].isEmpty();
      if (hit >= 0) {
        sb.append(news[hit]);
        i += olds[hit].length();
        continue;
      }
      if (i >= s.length()) {
        break;
      }
      int n = next(s, i);
      sb.append(s, i, n);
      i = n;
    }
    return StringValue.of(sb.toString());
  }

  static String reverse(String s) {
    return new StringBuilder(s).reverse().toString();
  }
}
