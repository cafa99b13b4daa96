package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.Value;
import java.util.HashSet;
import java.util.Set;

/** {@code union} and {@code intersection} of a set of sets, and the deprecated {@code set_diff}. */
final class SetsOfSets {
  private SetsOfSets() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("union", 1, (ctx, a) -> {
      Set<Value> out = new HashSet<>();
      for (Value v : Args.set(a, 0).asSet()) {
        out.addAll(member(v).asSet());
      }
      return SetValue.of(out);
    });
    r.function("intersection", 1, (ctx, a) -> {
      SetValue in = Args.set(a, 0);
      SetValue out = null;
      for (Value v : in.sorted()) {
        SetValue s = member(v);
        out = out == null ? s : out.intersect(s);
      }
      return out == null ? SetValue.EMPTY : out;
    });
    r.function("set_diff", 2, (ctx, a) -> Args.set(a, 0).minus(Args.set(a, 1)));
  }

  private static SetValue member(Value v) throws BuiltinException {
    if (v instanceof SetValue s) {
      return s;
    }
    throw BuiltinException.typeError("operand 1 must be set but got " + v.typeName());
  }
}
