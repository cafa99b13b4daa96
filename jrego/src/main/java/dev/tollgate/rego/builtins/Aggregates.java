package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.Arrays;
import java.util.List;

/** {@code count}, {@code sum}, {@code product}, {@code max}, {@code min}, {@code sort}, {@code any}, {@code all}. */
final class Aggregates {
  private Aggregates() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("count", 1, (ctx, a) -> NumberValue.of(count(a)));
    r.function("sum", 1, (ctx, a) -> fold(a, NumberValue.ZERO, true));
    r.function("product", 1, (ctx, a) -> fold(a, NumberValue.ONE, false));
    r.function("max", 1, (ctx, a) -> extreme(a, true));
    r.function("min", 1, (ctx, a) -> extreme(a, false));
    r.function("sort", 1, (ctx, a) -> sort(a));
    r.function("any", 1, (ctx, a) -> BooleanValue.of(elements(a, "array", "set").contains(BooleanValue.TRUE)));
    r.function("all", 1, (ctx, a) -> {
      for (Value v : elements(a, "array", "set")) {
        if (v != BooleanValue.TRUE) {
          return BooleanValue.FALSE;
        }
      }
      return BooleanValue.TRUE;
    });
  }

  private static long count(Value[] a) throws BuiltinException {
    return switch (a[0]) {
      case ArrayValue arr -> arr.size();
      case ObjectValue o -> o.size();
      case SetValue s -> s.size();
      // Code points, as Go counts runes.
      case StringValue s -> s.value().codePointCount(0, s.value().length());
      default -> throw Args.mustBeOneOf(0, a[0], "array", "object", "set", "string");
    };
  }

  /** The elements of an array, or of a set in value order. */
  static List<Value> elements(Value[] a, String... types) throws BuiltinException {
    return switch (a[0]) {
      case ArrayValue arr -> arr.asList();
      case SetValue s -> s.sorted();
      default -> throw Args.mustBeOneOf(0, a[0], types);
    };
  }

  /** Exact sum or product: numbers here are arbitrary-precision decimals, so nothing is rounded. */
  private static Value fold(Value[] a, NumberValue identity, boolean add) throws BuiltinException {
    NumberValue acc = identity;
    for (Value v : elements(a, "set", "array")) {
      if (!(v instanceof NumberValue n)) {
        String container = a[0].typeName();
        throw BuiltinException.typeError("operand 1 must be " + container + " of numbers but got "
            + container + " containing " + v.typeName());
      }
      acc = add ? acc.add(n) : acc.multiply(n);
    }
    return acc;
  }

  private static Value extreme(Value[] a, boolean max) throws BuiltinException {
    List<Value> items = elements(a, "set", "array");
    if (items.isEmpty()) {
      return null;
    }
    Value best = items.getFirst();
    for (Value v : items) {
      int c = v.compareTo(best);
      if (max ? c > 0 : c < 0) {
        best = v;
      }
    }
    return best;
  }

  private static Value sort(Value[] a) throws BuiltinException {
    return switch (a[0]) {
      case ArrayValue arr -> {
        Value[] items = arr.toArray();
        Arrays.sort(items);
        yield ArrayValue.wrap(items);
      }
      case SetValue s -> ArrayValue.of(s.sorted());
      default -> throw Args.mustBeOneOf(0, a[0], "set", "array");
    };
  }
}
