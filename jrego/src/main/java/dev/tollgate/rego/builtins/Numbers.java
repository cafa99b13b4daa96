package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.Value;
import java.math.BigInteger;

/** {@code numbers.range}, {@code numbers.range_step} and the {@code bits.*} built-ins. */
final class Numbers {
  /** Results longer than this cannot be held in one array. */
  private static final BigInteger MAX_RANGE = BigInteger.valueOf(Integer.MAX_VALUE - 16);
  /** Left shifts are refused past this result size (bits) rather than exhausting memory. */
  private static final long MAX_SHIFTED_BITS = 1L << 24;

  private Numbers() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("numbers.range", 2, (ctx, a) ->
        range(ctx, bigInt(a, 0), bigInt(a, 1), BigInteger.ONE));
    r.function("numbers.range_step", 3, (ctx, a) -> {
      BigInteger from = bigInt(a, 0);
      BigInteger to = bigInt(a, 1);
      BigInteger step = bigInt(a, 2);
      if (step.signum() <= 0) {
        throw BuiltinException.failure("step must be a positive integer");
      }
      return range(ctx, from, to, step);
    });

    r.function("bits.and", 2, (ctx, a) -> NumberValue.of(bigInt(a, 0).and(bigInt(a, 1))));
    r.function("bits.or", 2, (ctx, a) -> NumberValue.of(bigInt(a, 0).or(bigInt(a, 1))));
    r.function("bits.xor", 2, (ctx, a) -> NumberValue.of(bigInt(a, 0).xor(bigInt(a, 1))));
    r.function("bits.negate", 1, (ctx, a) -> NumberValue.of(bigInt(a, 0).not()));
    r.function("bits.lsh", 2, (ctx, a) -> {
      BigInteger x = bigInt(a, 0);
      long n = shift(a, 1);
      if (x.signum() != 0 && x.bitLength() + n > MAX_SHIFTED_BITS) {
        throw BuiltinException.failure("result would exceed " + MAX_SHIFTED_BITS + " bits");
      }
      return NumberValue.of(x.signum() == 0 ? x : x.shiftLeft((int) n));
    });
    r.function("bits.rsh", 2, (ctx, a) -> {
      BigInteger x = bigInt(a, 0);
      long n = shift(a, 1);
      // Go's big.Int shifts arithmetically, like BigInteger.
      if (n >= x.bitLength()) {
        return NumberValue.of(x.signum() < 0 ? -1 : 0);
      }
      return NumberValue.of(x.shiftRight((int) n));
    });
  }

  /** An integer operand of any size, with OPA's wording for the two ways it can be wrong. */
  static BigInteger bigInt(Value[] a, int i) throws BuiltinException {
    if (!(a[i] instanceof NumberValue n)) {
      throw Args.mustBe(i, "integer", a[i]);
    }
    if (!n.isInteger()) {
      throw BuiltinException.typeError(
          "operand " + (i + 1) + " must be integer number but got floating-point number");
    }
    return n.toBigInteger();
  }

  private static long shift(Value[] a, int i) throws BuiltinException {
    if (!(a[i] instanceof NumberValue n)) {
      throw Args.mustBe(i, "number", a[i]);
    }
    if (!n.isInteger()) {
      throw BuiltinException.typeError(
          "operand " + (i + 1) + " must be integer number but got floating-point number");
    }
    if (n.signum() < 0) {
      throw BuiltinException.typeError(
          "operand " + (i + 1) + " must be an unsigned integer number but got a negative integer");
    }
    return n.isLong() ? n.longValue() : Long.MAX_VALUE;
  }

  private static Value range(BuiltinContext ctx, BigInteger from, BigInteger to, BigInteger step)
      throws BuiltinException {
    BigInteger span = from.subtract(to).abs();
    BigInteger count = span.divide(step).add(BigInteger.ONE);
    if (count.compareTo(MAX_RANGE) > 0) {
      throw BuiltinException.failure("range of " + count + " numbers is too large");
    }
    int n = count.intValueExact();
    ctx.charge(n);
    Value[] out = new Value[n];
    boolean descending = from.compareTo(to) > 0;
    if (from.bitLength() < 63 && to.bitLength() < 63 && step.bitLength() < 63) {
      long x = from.longValue();
      long s = descending ? -step.longValue() : step.longValue();
      for (int i = 0; i < n; i++, x += s) {
        out[i] = NumberValue.of(x);
      }
    } else {
      BigInteger x = from;
      BigInteger s = descending ? step.negate() : step;
      for (int i = 0; i < n; i++, x = x.add(s)) {
        out[i] = NumberValue.of(x);
      }
    }
    return ArrayValue.wrap(out);
  }
}
