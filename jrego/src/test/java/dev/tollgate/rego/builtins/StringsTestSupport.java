package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Calls built-ins from the standard registry with operands written as a JSON array, and checks
 * the expectation: a JSON value, {@code undefined}, {@code !type: text} (a type error containing
 * text) or {@code !fail: text} (another failure containing text).
 */
final class StringsTestSupport {
  private StringsTestSupport() {}

  /** One evaluation's context: a fixed random seed and its own cache. */
  static final class Context implements BuiltinContext {
    private final Map<Object, Object> cache = new HashMap<>();
    private final RandomGenerator random;

    Context(long seed) {
      this.random = new SplittableRandom(seed);
    }

    @Override
    public long nowNanos() {
      return 0;
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
      return Capabilities.NONE;
    }

    @Override
    public Value runtime() {
      return dev.tollgate.rego.value.ObjectValue.EMPTY;
    }
  }

  static Value call(BuiltinContext ctx, String name, Value... args) throws BuiltinException {
    Builtin b = BuiltinRegistry.standard().get(name);
    assertNotNull(b, "built-in " + name + " is registered");
    assertEquals(b.arity(), args.length, "arity of " + name);
    return b.impl().apply(ctx, args);
  }

  static Value call(String name, Value... args) throws BuiltinException {
    return call(new Context(1), name, args);
  }

  static void check(String name, String argsJson, String expected) throws BuiltinException {
    Value[] args = ((ArrayValue) Json.parse(argsJson)).toArray();
    check(name, args, expected);
  }

  static void check(String name, Value[] args, String expected) throws BuiltinException {
    String e = expected.strip();
    if (e.startsWith("!type:") || e.startsWith("!fail:")) {
      BuiltinException ex = assertThrows(BuiltinException.class, () -> call(name, args));
      assertEquals(e.startsWith("!type:"), ex.isTypeError(), "error kind of " + ex.getMessage());
      String text = e.substring(6).strip();
      assertTrue(ex.getMessage().contains(text), "'" + ex.getMessage() + "' contains '" + text + "'");
      return;
    }
    Value got = call(name, args);
    if (e.equals("undefined")) {
      assertNull(got);
      return;
    }
    assertNotNull(got, name + " is defined");
    assertEquals(Json.parse(e), got, name + " result");
  }
}
