package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;

/** A built-in context for one simulated evaluation, with chosen capabilities. */
final class TestContext implements BuiltinContext {
  private final Capabilities capabilities;
  private final Map<Object, Object> cache = new HashMap<>();
  private final RandomGenerator random;
  final List<String> printed = new ArrayList<>();

  TestContext(Capabilities capabilities, long seed) {
    this.capabilities = capabilities;
    this.random = new Random(seed);
  }

  TestContext() {
    this(Capabilities.NONE, 42);
  }

  @Override
  public long nowNanos() {
    return 1_700_000_000_000_000_000L;
  }

  @Override
  public RandomGenerator random() {
    return random;
  }

  @Override
  public Map<Object, Object> evaluationCache() {
    return cache;
  }

  @Override
  public boolean strictBuiltinErrors() {
    return true;
  }

  @Override
  public void print(String line) {
    printed.add(line);
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public Value runtime() {
    return NullValue.INSTANCE;
  }

  /** Calls a standard built-in by name. */
  static Value call(BuiltinContext ctx, String name, Value... args) throws BuiltinException {
    Builtin b = BuiltinRegistry.standard().get(name);
    if (b == null) {
      throw new AssertionError("no built-in " + name);
    }
    if (b.arity() != args.length) {
      throw new AssertionError(name + " takes " + b.arity() + " operands");
    }
    return b.impl().apply(ctx, args);
  }

  static Value call(String name, Value... args) throws BuiltinException {
    return call(new TestContext(), name, args);
  }

  /** Parses operands written as JSON. */
  static Value[] json(String... operands) {
    Value[] out = new Value[operands.length];
    for (int i = 0; i < operands.length; i++) {
      out[i] = dev.tollgate.rego.value.Json.parse(operands[i]);
    }
    return out;
  }
}
