package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.Value;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * {@code units.parse} (SI and binary suffixes, exact) and {@code units.parse_bytes} (byte
 * amounts, truncated to an integer), with OPA's error texts.
 */
final class UnitsBuiltins {
  private static final int MAX_EXPONENT_DIGITS = 6;

  private static final BigDecimal KI = BigDecimal.valueOf(1L << 10);
  private static final BigDecimal MI = BigDecimal.valueOf(1L << 20);
  private static final BigDecimal GI = BigDecimal.valueOf(1L << 30);
  private static final BigDecimal TI = BigDecimal.valueOf(1L << 40);
  private static final BigDecimal PI = BigDecimal.valueOf(1L << 50);
  private static final BigDecimal EI = BigDecimal.valueOf(1L << 60);
  private static final BigDecimal K = BigDecimal.valueOf(1_000L);
  private static final BigDecimal M = BigDecimal.valueOf(1_000_000L);
  private static final BigDecimal G = BigDecimal.valueOf(1_000_000_000L);
  private static final BigDecimal T = BigDecimal.valueOf(1_000_000_000_000L);
  private static final BigDecimal P = BigDecimal.valueOf(1_000_000_000_000_000L);
  private static final BigDecimal E = BigDecimal.valueOf(1_000_000_000_000_000_000L);

  private static final Map<String, BigDecimal> SI = Map.ofEntries(
      Map.entry("m", new BigDecimal("0.001")),
      Map.entry("", BigDecimal.ONE),
      Map.entry("k", K), Map.entry("K", K),
      Map.entry("ki", KI), Map.entry("Ki", KI),
      Map.entry("M", M),
      Map.entry("mi", MI), Map.entry("Mi", MI),
      Map.entry("g", G), Map.entry("G", G),
      Map.entry("gi", GI), Map.entry("Gi", GI),
      Map.entry("t", T), Map.entry("T", T),
      Map.entry("ti", TI), Map.entry("Ti", TI),
      Map.entry("p", P), Map.entry("P", P),
      Map.entry("pi", PI), Map.entry("Pi", PI),
      Map.entry("e", E), Map.entry("E", E),
      Map.entry("ei", EI), Map.entry("Ei", EI));

  private static final Map<String, BigDecimal> BYTES = Map.ofEntries(
      Map.entry("", BigDecimal.ONE),
      Map.entry("kb", K), Map.entry("k", K),
      Map.entry("kib", KI), Map.entry("ki", KI),
      Map.entry("mb", M), Map.entry("m", M),
      Map.entry("mib", MI), Map.entry("mi", MI),
      Map.entry("gb", G), Map.entry("g", G),
      Map.entry("gib", GI), Map.entry("gi", GI),
      Map.entry("tb", T), Map.entry("t", T),
      Map.entry("tib", TI), Map.entry("ti", TI),
      Map.entry("pb", P), Map.entry("p", P),
      Map.entry("pib", PI), Map.entry("pi", PI),
      Map.entry("eb", E), Map.entry("e", E),
      Map.entry("eib", EI), Map.entry("ei", EI));

  private UnitsBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("units.parse", 1, (ctx, a) -> parse(a));
    r.function("units.parse_bytes", 1, (ctx, a) -> parseBytes(a));
  }

  private static Value parse(Value[] a) throws BuiltinException {
    String s = Args.string(a, 0).replace("\"", "");
    if (s.contains(" ")) {
      throw fail("units.parse", "spaces not allowed in resource strings");
    }
    String[] parts = split(s, "units.parse");
    if (parts[0].isEmpty()) {
      throw fail("units.parse", "no amount provided");
    }
    String unit = parts[1];
    // Only the letters after the first are case-insensitive, so 'm' and 'M' stay apart.
    if (unit.length() > 1) {
      unit = unit.charAt(0) + unit.substring(1).toLowerCase(Locale.ROOT);
    }
    BigDecimal factor = SI.get(unit);
    if (factor == null) {
      throw fail("units.parse", "unit " + unit + " not recognized");
    }
    BigDecimal n = number(parts[0]);
    if (n == null) {
      throw fail("units.parse", "could not parse amount to a number");
    }
    BigDecimal total = n.multiply(factor);
    if (total.signum() == 0) {
      return NumberValue.ZERO;
    }
    BigDecimal stripped = total.stripTrailingZeros();
    if (stripped.scale() <= 0) {
      // Kept as unscaled digits and an exponent: 1e999999 need not be expanded here.
      return NumberValue.of(stripped);
    }
    if (stripped.precision() - stripped.scale() < -10) {
      return NumberValue.ZERO; // below 0.5e-10: rounds to zero without a costly rescale
    }
    // OPA prints non-integers with ten decimals, rounding half away from zero.
    return NumberValue.of(total.setScale(10, RoundingMode.HALF_UP).stripTrailingZeros());
  }

  private static Value parseBytes(Value[] a) throws BuiltinException {
    String s = Args.string(a, 0).toLowerCase(Locale.ROOT).replace("\"", "");
    if (s.contains(" ")) {
      throw fail("units.parse_bytes", "spaces not allowed in resource strings");
    }
    String[] parts = split(s, "units.parse_bytes");
    if (parts[0].isEmpty()) {
      throw fail("units.parse_bytes", "no byte amount provided");
    }
    BigDecimal factor = BYTES.get(parts[1]);
    if (factor == null) {
      throw fail("units.parse_bytes", "byte unit " + parts[1] + " not recognized");
    }
    BigDecimal n = number(parts[0]);
    if (n == null) {
      throw fail("units.parse_bytes", "could not parse byte amount to a number");
    }
    BigDecimal total = n.multiply(factor);
    if (total.signum() == 0) {
      return NumberValue.ZERO;
    }
    BigDecimal stripped = total.stripTrailingZeros();
    if (stripped.precision() - stripped.scale() <= 0) {
      return NumberValue.ZERO; // |total| < 1 truncates to zero
    }
    return NumberValue.of(stripped.scale() <= 0 ? stripped : total.setScale(0, RoundingMode.DOWN));
  }

  private static BuiltinException fail(String name, String message) {
    return BuiltinException.failure(name + " error: " + message);
  }

  /**
   * Splits into the number (digits, '.', signs and a scientific exponent) and the unit after it.
   */
  private static String[] split(String s, String name) throws BuiltinException {
    int firstNonNum = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean num = (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-';
      if (!num && c != 'e' && c != 'E') {
        firstNonNum = i;
        break;
      }
      if (c == 'e' || c == 'E') {
        char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
        if (i == s.length() - 1 || !(isDigit(next) || next == '+' || next == '-')) {
          firstNonNum = i;
          break;
        }
        if (next == '+' || next == '-') {
          i++;
        }
        int start = i + 1;
        int end = start;
        while (end < s.length() && isDigit(s.charAt(end))) {
          end++;
        }
        if (end - start > MAX_EXPONENT_DIGITS) {
          throw fail(name, "exponent too large");
        }
      }
    }
    if (firstNonNum == -1) {
      return new String[] {s, ""};
    }
    return new String[] {s.substring(0, firstNonNum), s.substring(firstNonNum)};
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A decimal number as Go's big.Rat/big.Float parse it, or null. */
  private static BigDecimal number(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(isDigit(c) || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E')) {
        return null;
      }
    }
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
