package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;

/** {@code array.concat}, {@code array.slice}, {@code array.reverse}, {@code array.flatten}. */
final class ArrayBuiltins {
  private ArrayBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("array.concat", 2, (ctx, a) -> {
      ArrayValue x = Args.array(a, 0);
      ArrayValue y = Args.array(a, 1);
      List<Value> out = new ArrayList<>(x.size() + y.size());
      out.addAll(x.asList());
      out.addAll(y.asList());
      return ArrayValue.of(out);
    });
    r.function("array.slice", 3, (ctx, a) -> {
      ArrayValue arr = Args.array(a, 0);
      long start = Args.integer(a, 1);
      long stop = Args.integer(a, 2);
      // Out-of-range indices are clamped, never an error.
      stop = Math.clamp(stop, 0, arr.size());
      start = Math.clamp(start, 0, stop);
      return ArrayValue.of(arr.asList().subList((int) start, (int) stop));
    });
    r.function("array.reverse", 1, (ctx, a) -> {
      ArrayValue arr = Args.array(a, 0);
      Value[] out = new Value[arr.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = arr.get(out.length - 1 - i);
      }
      return ArrayValue.wrap(out);
    });
    r.function("array.flatten", 1, (ctx, a) -> {
      ArrayValue arr = Args.array(a, 0);
      List<Value> out = new ArrayList<>(arr.size());
      for (Value v : arr.asList()) {
        if (v instanceof ArrayValue inner) {
          out.addAll(inner.asList());
        } else {
          out.add(v);
        }
      }
      return ArrayValue.of(out);
    });
  }
}
