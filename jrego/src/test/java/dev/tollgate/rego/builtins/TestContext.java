package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * A built-in context for one simulated evaluation: a chosen clock, capabilities and random seed,
 * its own evaluation cache, strict errors, and print output dropped.
 */
final class TestContext implements BuiltinContext {
  static final long DEFAULT_NOW_NANOS = 1_700_000_000_000_000_000L;

  private final long nowNanos;
  private final Capabilities capabilities;
  private final Map<Object, Object> cache = new HashMap<>();
  private final RandomGenerator random;

  TestContext(long nowNanos, Capabilities capabilities, long seed) {
    this.nowNanos = nowNanos;
    this.capabilities = capabilities;
    this.random = new Random(seed);
  }

  TestContext(Capabilities capabilities, long seed) {
    this(DEFAULT_NOW_NANOS, capabilities, seed);
  }

  TestContext() {
    this(Capabilities.NONE, 42);
  }

  /** A context whose clock reads {@code nowNanos}, with nothing reachable outside. */
  static TestContext at(long nowNanos) {
    return new TestContext(nowNanos, Capabilities.NONE, 1);
  }

  @Override
  public long nowNanos() {
    return nowNanos;
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
  public void print(String line) {}

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public Value runtime() {
    return ObjectValue.EMPTY;
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
}
