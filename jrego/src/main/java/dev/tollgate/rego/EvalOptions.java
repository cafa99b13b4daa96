package dev.tollgate.rego;

import dev.tollgate.rego.builtins.BuiltinContext.Capabilities;
import dev.tollgate.rego.value.Value;
import java.util.function.Consumer;

/**
 * Per-evaluation settings.
 *
 * @param input the input document, or null when undefined
 * @param strictBuiltinErrors whether built-in failures are errors instead of undefined
 * @param printSink receives {@code print} output (null discards it)
 * @param nowNanos fixed clock for {@code time.now_ns}, or null for the wall clock
 * @param capabilities what outward-reaching built-ins may do (null: none)
 * @param limits overrides the policy's limits when not null
 */
public record EvalOptions(
    Value input,
    boolean strictBuiltinErrors,
    Consumer<String> printSink,
    Long nowNanos,
    Capabilities capabilities,
    EvalLimits limits) {
  public static final EvalOptions DEFAULT = new EvalOptions(null, false, null, null, null, null);

  public static EvalOptions input(Value input) {
    return new EvalOptions(input, false, null, null, null, null);
  }

  public EvalOptions withInput(Value v) {
    return new EvalOptions(v, strictBuiltinErrors, printSink, nowNanos, capabilities, limits);
  }

  public EvalOptions withStrictBuiltinErrors(boolean strict) {
    return new EvalOptions(input, strict, printSink, nowNanos, capabilities, limits);
  }

  public EvalOptions withPrintSink(Consumer<String> sink) {
    return new EvalOptions(input, strictBuiltinErrors, sink, nowNanos, capabilities, limits);
  }

  public EvalOptions withNowNanos(Long now) {
    return new EvalOptions(input, strictBuiltinErrors, printSink, now, capabilities, limits);
  }

  public EvalOptions withCapabilities(Capabilities c) {
    return new EvalOptions(input, strictBuiltinErrors, printSink, nowNanos, c, limits);
  }

  public EvalOptions withLimits(EvalLimits l) {
    return new EvalOptions(input, strictBuiltinErrors, printSink, nowNanos, capabilities, l);
  }
}
