package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;

/** Built-ins that read the evaluation's environment: clock, runtime information, tracing. */
final class EvalEnvironment {
  private EvalEnvironment() {}

  static void register(BuiltinRegistry.Builder r) {
    r.add(new Builtin("time.now_ns", 0, false, true, (c, a) -> NumberValue.of(c.nowNanos())));
    r.add(new Builtin("opa.runtime", 0, false, true, (c, a) -> c.runtime()));
    // jrego records no evaluation traces, so a trace note only has its operand checked
    r.function("trace", 1, (c, a) -> {
      Args.string(a, 0);
      return BooleanValue.TRUE;
    });
  }
}
