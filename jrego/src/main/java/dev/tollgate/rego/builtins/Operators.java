package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.Value;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Comparison, arithmetic, set operators and membership: the built-ins behind Rego's operators. */
final class Operators {
  private Operators() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("equal", 2, (c, a) -> BooleanValue.of(a[0].equals(a[1])));
    r.function("neq", 2, (c, a) -> BooleanValue.of(!a[0].equals(a[1])));
    r.function("lt", 2, (c, a) -> BooleanValue.of(a[0].compareTo(a[1]) < 0));
    r.function("lte", 2, (c, a) -> BooleanValue.of(a[0].compareTo(a[1]) <= 0));
    r.function("gt", 2, (c, a) -> BooleanValue.of(a[0].compareTo(a[1]) > 0));
    r.function("gte", 2, (c, a) -> BooleanValue.of(a[0].compareTo(a[1]) >= 0));

    r.function("plus", 2, (c, a) -> Args.number(a, 0).add(Args.number(a, 1)));
    r.function("minus", 2, Operators::minus);
    r.function("mul", 2, (c, a) -> Args.number(a, 0).multiply(Args.number(a, 1)));
    r.function("div", 2, Operators::div);
    r.function("rem", 2, Operators::rem);
    r.function("abs", 1, (c, a) -> {
      NumberValue n = Args.number(a, 0);
      return n.signum() < 0 ? n.negate() : n;
    });
    r.function("round", 1, (c, a) -> round(Args.number(a, 0), RoundingMode.HALF_UP));
    r.function("ceil", 1, (c, a) -> round(Args.number(a, 0), RoundingMode.CEILING));
    r.function("floor", 1, (c, a) -> round(Args.number(a, 0), RoundingMode.FLOOR));

    r.function("and", 2, (c, a) -> Args.set(a, 0).intersect(Args.set(a, 1)));
    r.function("or", 2, (c, a) -> Args.set(a, 0).union(Args.set(a, 1)));

    r.function("internal.member_2", 2, (c, a) -> BooleanValue.of(member(a[0], a[1])));
    r.function("internal.member_3", 3, (c, a) -> BooleanValue.of(member3(a[0], a[1], a[2])));
  }

  private static Value minus(BuiltinContext c, Value[] a) throws BuiltinException {
    if (a[0] instanceof NumberValue x) {
      return x.subtract(Args.number(a, 1));
    }
    if (a[0] instanceof SetValue s) {
      return s.minus(Args.set(a, 1));
    }
    throw Args.mustBeOneOf(0, a[0], "number", "set");
  }

  private static Value div(BuiltinContext c, Value[] a) throws BuiltinException {
    NumberValue x = Args.number(a, 0);
    NumberValue y = Args.number(a, 1);
    if (y.signum() == 0) {
      throw BuiltinException.failure("divide by zero");
    }
    BigDecimal bx = x.toBigDecimal();
    BigDecimal by = y.toBigDecimal();
    try {
      return NumberValue.of(bx.divide(by));
    } catch (ArithmeticException nonTerminating) {
      return NumberValue.of(bx.divide(by, MathContext.DECIMAL64).stripTrailingZeros());
    }
  }

  private static Value rem(BuiltinContext c, Value[] a) throws BuiltinException {
    NumberValue x = Args.number(a, 0);
    NumberValue y = Args.number(a, 1);
    if (!x.isInteger() || !y.isInteger()) {
      throw BuiltinException.failure("modulo on floating-point number");
    }
    if (y.signum() == 0) {
      throw BuiltinException.failure("modulo by zero");
    }
    if (digits(x) > MAX_DIGITS || digits(y) > MAX_DIGITS) {
      throw BuiltinException.failure("modulo operand too large");
    }
    if (x.isLong() && y.isLong()) {
      long ly = y.longValue();
      if (ly == -1) {
        return NumberValue.ZERO;
      }
      return NumberValue.of(x.longValue() % ly);
    }
    return NumberValue.of(x.toBigInteger().remainder(y.toBigInteger()));
  }

  /** HALF_UP rounds half away from zero, like Go's math.Round. */
  private static Value round(NumberValue n, RoundingMode mode) {
    if (n.isInteger()) {
      return n;
    }
    return NumberValue.of(n.toBigDecimal().setScale(0, mode));
  }

  private static final int MAX_DIGITS = 4096;

  private static long digits(NumberValue n) {
    BigDecimal b = n.toBigDecimal();
    return (long) b.precision() - b.scale();
  }

  static boolean member(Value x, Value coll) {
    return switch (coll) {
      case ArrayValue arr -> arr.asList().contains(x);
      case SetValue s -> s.contains(x);
      case ObjectValue o -> o.asMap().containsValue(x);
      default -> false;
    };
  }

  static boolean member3(Value k, Value v, Value coll) {
    return switch (coll) {
      case ArrayValue arr -> k instanceof NumberValue n && n.isLong() && v.equals(arr.getOrNull(n.longValue()));
      case ObjectValue o -> v.equals(o.get(k));
      default -> false;
    };
  }
}
