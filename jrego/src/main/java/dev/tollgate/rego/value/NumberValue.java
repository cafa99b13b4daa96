package dev.tollgate.rego.value;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A Rego number: exact, of any size. Integers that fit a {@code long} are held as one (the
 * common case in policies); everything else as a {@link BigDecimal}. Equality and ordering are
 * numeric, so {@code 1}, {@code 1.0} and {@code 1e0} are the same value.
 */
public final class NumberValue implements Value {
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final NumberValue[] SMALL = new NumberValue[1024 + 128];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = new NumberValue(i - 128, null);
    }
  }

  public static final NumberValue ZERO = of(0);
  public static final NumberValue ONE = of(1);

  private final long small;
  /** Null when the value is the integer {@code small}. */
  private final BigDecimal big;

  private NumberValue(long small, BigDecimal big) {
    this.small = small;
    this.big = big;
  }

  public static NumberValue of(long n) {
    if (n >= -128 && n < SMALL.length - 128) {
      return SMALL[(int) n + 128];
    }
    return new NumberValue(n, null);
  }

  public static NumberValue of(BigInteger n) {
    if (n.bitLength() < 64) {
      return of(n.longValue());
    }
    return new NumberValue(0, new BigDecimal(n));
  }

  public static NumberValue of(BigDecimal n) {
    if (n.signum() == 0) {
      return n.scale() <= 0 ? ZERO : new NumberValue(0, n);
    }
    if (n.scale() <= 0 && n.compareTo(LONG_MIN) >= 0 && n.compareTo(LONG_MAX) <= 0) {
      return of(n.longValueExact());
    }
    return new NumberValue(0, n);
  }

  /**
   * Converts a double; non-finite doubles have no Rego representation.
   *
   * @throws ArithmeticException for NaN or infinities
   */
  public static NumberValue of(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new ArithmeticException("number is not finite: " + d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 0x1p62) {
      return of((long) d);
    }
    return of(new BigDecimal(Double.toString(d)));
  }

  /**
   * Parses a JSON/Rego number literal exactly.
   *
   * @throws NumberFormatException if the text is not a number literal
   */
  public static NumberValue parse(String text) {
    int n = text.length();
    if (n > 0 && n < 19) {
      boolean digits = true;
      for (int i = text.charAt(0) == '-' ? 1 : 0; i < n; i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          digits = false;
          break;
        }
      }
      if (digits && !(n == 1 && text.charAt(0) == '-')) {
        return of(Long.parseLong(text));
      }
    }
    return of(new BigDecimal(text));
  }

  /** True when the value is a mathematical integer (whatever its written form). */
  public boolean isInteger() {
    if (big == null) {
      return true;
    }
    return big.signum() == 0 || big.scale() <= 0 || big.stripTrailingZeros().scale() <= 0;
  }

  /** True when the value is an integer that fits a long. */
  public boolean isLong() {
    if (big == null) {
      return true;
    }
    if (!isInteger()) {
      return false;
    }
    return big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0;
  }

  /** The value as a long; only meaningful when {@link #isLong()}. */
  public long longValue() {
    return big == null ? small : big.longValue();
  }

  /** The value as an int when it is an integer in int range, else {@code null}. */
  public Integer intValueExact() {
    if (!isLong()) {
      return null;
    }
    long l = longValue();
    return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (int) l : null;
  }

  public BigDecimal toBigDecimal() {
    return big == null ? BigDecimal.valueOf(small) : big;
  }

  /** The integer value; only meaningful when {@link #isInteger()}. */
  public BigInteger toBigInteger() {
    return big == null ? BigInteger.valueOf(small) : big.toBigInteger();
  }

  public double doubleValue() {
    return big == null ? (double) small : big.doubleValue();
  }

  public int signum() {
    return big == null ? Long.signum(small) : big.signum();
  }

  public NumberValue negate() {
    if (big == null && small != Long.MIN_VALUE) {
      return of(-small);
    }
    return of(toBigDecimal().negate());
  }

  /**
   * Above this gap between operand exponents, sums are rounded to 34 significant digits instead of
   * being exact: an exact 1e999999999 + 1 would need a billion digits.
   */
  private static final int EXACT_SCALE_GAP = 4096;

  public NumberValue add(NumberValue o) {
    if (big == null && o.big == null) {
      long r = small + o.small;
      if (((small ^ r) & (o.small ^ r)) >= 0) {
        return of(r);
      }
    }
    BigDecimal a = toBigDecimal();
    BigDecimal b = o.toBigDecimal();
    if (Math.abs((long) a.scale() - b.scale()) > EXACT_SCALE_GAP) {
      return of(a.add(b, java.math.MathContext.DECIMAL128));
    }
    return of(a.add(b));
  }

  public NumberValue subtract(NumberValue o) {
    if (big == null && o.big == null) {
      long r = small - o.small;
      if (((small ^ o.small) & (small ^ r)) >= 0) {
        return of(r);
      }
    }
    BigDecimal a = toBigDecimal();
    BigDecimal b = o.toBigDecimal();
    if (Math.abs((long) a.scale() - b.scale()) > EXACT_SCALE_GAP) {
      return of(a.subtract(b, java.math.MathContext.DECIMAL128));
    }
    return of(a.subtract(b));
  }

  public NumberValue multiply(NumberValue o) {
    if (big == null && o.big == null) {
      long hi = Math.multiplyHigh(small, o.small);
      long lo = small * o.small;
      if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
        return of(lo);
      }
    }
    return of(toBigDecimal().multiply(o.toBigDecimal()));
  }

  @Override
  public String typeName() {
    return "number";
  }

  @Override
  public int typeRank() {
    return 2;
  }

  /** Numeric comparison. */
  public int compareNumber(NumberValue o) {
    if (big == null && o.big == null) {
      return Long.compare(small, o.small);
    }
    return toBigDecimal().compareTo(o.toBigDecimal());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NumberValue n && compareNumber(n) == 0;
  }

  @Override
  public int hashCode() {
    if (big == null) {
      return Long.hashCode(small);
    }
    if (isLong()) {
      return Long.hashCode(big.longValue());
    }
    return big.stripTrailingZeros().hashCode();
  }

  /** JSON text: integers in plain digits, other numbers in their shortest exact decimal form. */
  @Override
  public String toString() {
    if (big == null) {
      return Long.toString(small);
    }
    BigDecimal stripped = big.stripTrailingZeros();
    if (isInteger() && (long) stripped.precision() - stripped.scale() <= EXACT_SCALE_GAP) {
      return big.toBigInteger().toString();
    }
    int exponent = stripped.precision() - stripped.scale() - 1;
    if (exponent < -6 || exponent >= 21) {
      return stripped.toString().replace("E+", "e+").replace("E-", "e-");
    }
    return stripped.toPlainString();
  }
}
