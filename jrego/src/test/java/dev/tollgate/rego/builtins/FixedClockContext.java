package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/** A built-in context for tests: a fixed clock, strict errors, nothing reachable outside. */
record FixedClockContext(long nowNanos) implements BuiltinContext {
  @Override
  public RandomGenerator random() {
    return new java.util.Random(1);
  }

  @Override
  public Map<Object, Object> evaluationCache() {
    return new HashMap<>();
  }

  @Override
  public boolean strictBuiltinErrors() {
    return true;
  }

  @Override
  public void print(String line) {}

  @Override
  public Capabilities capabilities() {
    return Capabilities.NONE;
  }

  @Override
  public Value runtime() {
    return ObjectValue.EMPTY;
  }
}
