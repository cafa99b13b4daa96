package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Table rows for built-in tests. Operands and expectations are JSON, where an object
 * {@code {"$set": [...]}} stands for a Rego set and {@code {"$obj": [[k, v], ...]}} for an
 * object with non-string keys.
 */
final class BuiltinCases {
  private BuiltinCases() {}

  enum Outcome { VALUE, UNDEFINED, TYPE_ERROR, FAILURE }

  /** Expects {@code name(args...)} to equal {@code expected}. */
  static Arguments ok(String name, String expected, String... args) {
    return Arguments.of(name, List.of(args), Outcome.VALUE, expected);
  }

  static Arguments undefined(String name, String... args) {
    return Arguments.of(name, List.of(args), Outcome.UNDEFINED, "");
  }

  /** Expects an {@code eval_type_error} whose message contains {@code message}. */
  static Arguments typeError(String name, String message, String... args) {
    return Arguments.of(name, List.of(args), Outcome.TYPE_ERROR, message);
  }

  /** Expects an {@code eval_builtin_error} whose message contains {@code message}. */
  static Arguments failure(String name, String message, String... args) {
    return Arguments.of(name, List.of(args), Outcome.FAILURE, message);
  }

  static void check(String name, List<String> args, Outcome outcome, String expected) throws BuiltinException {
    Builtin b = BuiltinRegistry.standard().get(name);
    assertNotNull(b, "built-in " + name + " is registered");
    assertEquals(args.size(), b.arity(), "arity of " + name);
    Value[] operands = new Value[args.size()];
    for (int i = 0; i < operands.length; i++) {
      operands[i] = value(args.get(i));
    }
    switch (outcome) {
      case VALUE -> assertEquals(value(expected), b.impl().apply(CONTEXT, operands));
      case UNDEFINED -> assertNull(b.impl().apply(CONTEXT, operands));
      case TYPE_ERROR, FAILURE -> {
        BuiltinException e = assertThrows(BuiltinException.class, () -> b.impl().apply(CONTEXT, operands));
        assertEquals(outcome == Outcome.TYPE_ERROR, e.isTypeError(), "type error? " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' contains '" + expected + "'");
      }
    }
  }

  static Value call(String name, String... args) throws BuiltinException {
    Value[] operands = new Value[args.length];
    for (int i = 0; i < operands.length; i++) {
      operands[i] = value(args[i]);
    }
    return BuiltinRegistry.standard().get(name).impl().apply(CONTEXT, operands);
  }

  static Value value(String json) {
    return sets(Json.parse(json));
  }

  private static Value sets(Value v) {
    return switch (v) {
      case ObjectValue o when o.size() == 1 && o.get("$set") instanceof ArrayValue a -> {
        List<Value> items = new ArrayList<>();
        for (Value x : a.asList()) {
          items.add(sets(x));
        }
        yield SetValue.of(items);
      }
      case ObjectValue o when o.size() == 1 && o.get("$obj") instanceof ArrayValue a -> {
        LinkedHashMap<Value, Value> m = new LinkedHashMap<>();
        for (Value pair : a.asList()) {
          ArrayValue kv = (ArrayValue) pair;
          m.put(sets(kv.get(0)), sets(kv.get(1)));
        }
        yield ObjectValue.of(m);
      }
      case ObjectValue o -> {
        LinkedHashMap<Value, Value> m = new LinkedHashMap<>();
        o.asMap().forEach((k, x) -> m.put(k, sets(x)));
        yield ObjectValue.of(m);
      }
      case ArrayValue a -> {
        List<Value> items = new ArrayList<>();
        for (Value x : a.asList()) {
          items.add(sets(x));
        }
        yield ArrayValue.of(items);
      }
      default -> v;
    };
  }

  /** JSON text of a string, for writing string operands inside the tables. */
  static String str(String s) {
    return Json.quote(s);
  }

  static final BuiltinContext CONTEXT = new TestContext(0, BuiltinContext.Capabilities.NONE, 0);
}
