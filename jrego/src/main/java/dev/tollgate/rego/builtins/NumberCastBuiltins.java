package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * {@code to_number}: strings must be Go float literals (as strconv.ParseFloat accepts them);
 * the number keeps the exact value written, not its float64 approximation.
 */
final class NumberCastBuiltins {
  private NumberCastBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("to_number", 1, (ctx, a) -> toNumber(a));
  }

  private static Value toNumber(Value[] a) throws BuiltinException {
    return switch (a[0]) {
      case NullValue n -> NumberValue.ZERO;
      case BooleanValue b -> b.value() ? NumberValue.ONE : NumberValue.ZERO;
      case NumberValue n -> n;
      case StringValue s -> parse(s);
      default -> throw Args.mustBeOneOf(0, a[0], "null", "boolean", "number", "string");
    };
  }

  private static Value parse(StringValue sv) throws BuiltinException {
    String s = sv.value();
    String word = s.replaceFirst("^[+-]+", "").toLowerCase(Locale.ROOT);
    if (word.equals("inf") || word.equals("infinity") || word.equals("nan")) {
      throw Args.mustBe(0, "valid number string", sv);
    }
    BigDecimal value = goFloat(s);
    if (value == null) {
      throw parseError(s, "invalid syntax");
    }
    if (Double.isInfinite(value.doubleValue())) {
      throw parseError(s, "value out of range");
    }
    return NumberValue.of(value);
  }

  private static BuiltinException parseError(String s, String why) {
    StringBuilder sb = new StringBuilder("strconv.ParseFloat: parsing ");
    GoFormat.quote(sb, s, false);
    return BuiltinException.failure(sb.append(": ").append(why).toString());
  }

  /** The exact value of a Go floating-point literal, or null when it is not one. */
  static BigDecimal goFloat(String s) {
    int i = 0;
    boolean neg = false;
    if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      neg = s.charAt(i) == '-';
      i++;
    }
    String body = s.substring(i);
    if (body.isEmpty() || !underscoresOk(body)) {
      return null;
    }
    boolean hex = body.length() >= 2 && body.charAt(0) == '0'
        && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
    String clean = body.replace("_", "");
    BigDecimal v = hex ? hexFloat(clean.substring(2)) : decimal(clean);
    if (v == null) {
      return null;
    }
    return neg ? v.negate() : v;
  }

  private static BigDecimal decimal(String s) {
    int i = 0;
    int digits = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
      digits++;
    }
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return null;
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int expDigits = 0;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        return null;
      }
    }
    if (i != s.length()) {
      return null;
    }
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  /** Hex mantissa with optional point, then a mandatory binary exponent {@code p±N}. */
  private static BigDecimal hexFloat(String s) {
    int p = Math.max(s.indexOf('p'), s.indexOf('P'));
    if (p < 0) {
      return null;
    }
    String mant = s.substring(0, p);
    String exp = s.substring(p + 1);
    if (!exp.matches("[+-]?[0-9]+") || mant.isEmpty() || mant.equals(".")) {
      return null;
    }
    int dot = mant.indexOf('.');
    String intPart = dot < 0 ? mant : mant.substring(0, dot);
    String frac = dot < 0 ? "" : mant.substring(dot + 1);
    if (!(intPart + frac).matches("[0-9a-fA-F]+")) {
      return null;
    }
    BigInteger m = new BigInteger(intPart + frac, 16);
    long e;
    try {
      e = Long.parseLong(exp.startsWith("+") ? exp.substring(1) : exp) - 4L * frac.length();
    } catch (NumberFormatException ex) {
      return null;
    }
    if (m.signum() == 0) {
      return BigDecimal.ZERO;
    }
    if (e > 2000 || e < -2200) {
      // Far outside float64 range: report through the range check (or as zero for underflow).
      return e > 0 ? BigDecimal.TEN.pow(400) : BigDecimal.ZERO;
    }
    BigDecimal v = new BigDecimal(m);
    return e >= 0 ? v.multiply(new BigDecimal(BigInteger.TWO.pow((int) e)))
        : v.divide(new BigDecimal(BigInteger.TWO.pow((int) -e)));
  }

  /** Go's rule: an underscore must sit between digits (or after a base prefix). */
  private static boolean underscoresOk(String s) {
    char saw = '^';
    int i = 0;
    boolean hex = false;
    if (s.length() >= 2 && s.charAt(0) == '0' && "bBoOxX".indexOf(s.charAt(1)) >= 0) {
      i = 2;
      saw = '0';
      hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      char l = Character.toLowerCase(c);
      if ((c >= '0' && c <= '9') || (hex && l >= 'a' && l <= 'f')) {
        saw = '0';
        continue;
      }
      if (c == '_') {
        if (saw != '0') {
          return false;
        }
        saw = '_';
        continue;
      }
      if (saw == '_') {
        return false;
      }
      saw = '!';
    }
    return saw != '_';
  }
}
