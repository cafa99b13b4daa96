package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.function.Predicate;

/** Type tests ({@code is_*}), {@code type_name} and the deprecated {@code cast_*} built-ins. */
final class Types {
  private Types() {}

  static void register(BuiltinRegistry.Builder r) {
    test(r, "is_number", v -> v instanceof NumberValue);
    test(r, "is_string", v -> v instanceof StringValue);
    test(r, "is_boolean", v -> v instanceof BooleanValue);
    test(r, "is_array", v -> v instanceof ArrayValue);
    test(r, "is_set", v -> v instanceof SetValue);
    test(r, "is_object", v -> v instanceof ObjectValue);
    test(r, "is_null", v -> v instanceof NullValue);
    r.function("type_name", 1, (ctx, a) -> StringValue.of(a[0].typeName()));

    r.function("cast_array", 1, (ctx, a) -> switch (a[0]) {
      case ArrayValue arr -> arr;
      case SetValue s -> ArrayValue.of(s.sorted());
      default -> throw Args.mustBeOneOf(0, a[0], "array", "set");
    });
    r.function("cast_set", 1, (ctx, a) -> switch (a[0]) {
      case ArrayValue arr -> SetValue.of(arr.asList());
      case SetValue s -> s;
      default -> throw Args.mustBeOneOf(0, a[0], "array", "set");
    });
    cast(r, "cast_string", "string", v -> v instanceof StringValue);
    cast(r, "cast_boolean", "boolean", v -> v instanceof BooleanValue);
    cast(r, "cast_null", "null", v -> v instanceof NullValue);
    cast(r, "cast_object", "object", v -> v instanceof ObjectValue);
  }

  /** OPA answers false (not undefined) for a value of another type. */
  private static void test(BuiltinRegistry.Builder r, String name, Predicate<Value> is) {
    r.function(name, 1, (ctx, a) -> BooleanValue.of(is.test(a[0])));
  }

  private static void cast(BuiltinRegistry.Builder r, String name, String type, Predicate<Value> is) {
    r.function(name, 1, (ctx, a) -> {
      if (!is.test(a[0])) {
        throw Args.mustBe(0, type, a[0]);
      }
      return a[0];
    });
  }
}
