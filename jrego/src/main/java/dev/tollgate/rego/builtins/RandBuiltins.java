package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.Value;

/** {@code rand.intn}: random integers that stay the same for equal operands within one evaluation. */
final class RandBuiltins {
  private RandBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.add(new Builtin("rand.intn", 2, false, true, RandBuiltins::intn));
  }

  private record Key(String str, long n) {}

  private static Value intn(BuiltinContext ctx, Value[] args) throws BuiltinException {
    String str = Args.string(args, 0);
    long n = Args.integer(args, 1);
    if (n == 0) {
      return NumberValue.ZERO;
    }
    if (n == Long.MIN_VALUE) {
      throw BuiltinException.failure("operand 2 out of range: " + n);
    }
    n = Math.abs(n);
    Key key = new Key(str, n);
    Object cached = ctx.evaluationCache().get(key);
    if (cached instanceof NumberValue v) {
      return v;
    }
    NumberValue result = NumberValue.of(ctx.random().nextLong(n));
    ctx.evaluationCache().put(key, result);
    return result;
  }
}
