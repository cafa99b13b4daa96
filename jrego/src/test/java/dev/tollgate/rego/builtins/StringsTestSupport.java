package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;

/**
 * Calls built-ins from the standard registry with operands written as a JSON array, and checks
 * the expectation: a JSON value, {@code undefined}, {@code !type: text} (a type error containing
 * text) or {@code !fail: text} (another failure containing text).
 */
final class StringsTestSupport {
  private StringsTestSupport() {}

  static Value call(BuiltinContext ctx, String name, Value... args) throws BuiltinException {
    return TestContext.call(ctx, name, args);
  }

  static Value call(String name, Value... args) throws BuiltinException {
    return call(new TestContext(0, BuiltinContext.Capabilities.NONE, 1), name, args);
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
