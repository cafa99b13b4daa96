package dev.tollgate.rego;

import dev.tollgate.rego.builtins.BuiltinContext;
import dev.tollgate.rego.builtins.BuiltinException;
import dev.tollgate.rego.builtins.BuiltinFunction;
import dev.tollgate.rego.value.Value;

/**
 * One call site's last result of a pure built-in, reused while the operands are the very same
 * objects (values are immutable, so the same objects mean the same result). {@link
 * ConstantFolder} puts one on calls whose operands are constants or base documents, which are
 * the same objects on every evaluation of a policy; a {@code with} that replaces data passes
 * other objects and simply recomputes. One entry per site bounds it; a hit is a volatile read and
 * identity checks, without locks. Failures are not remembered.
 */
final class CallSiteMemo implements BuiltinFunction {
  private record Last(Value[] args, Value result) {}

  private final BuiltinFunction impl;
  private volatile Last last;

  CallSiteMemo(BuiltinFunction impl) {
    this.impl = impl;
  }

  @Override
  public Value apply(BuiltinContext ctx, Value[] args) throws BuiltinException {
    Last l = last;
    if (l != null && same(l.args, args)) {
      return l.result;
    }
    Value r = impl.apply(ctx, args);
    if (r != null) {
      last = new Last(args.clone(), r);
    }
    return r;
  }

  private static boolean same(Value[] a, Value[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }
}
