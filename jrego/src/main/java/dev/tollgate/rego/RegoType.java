package dev.tollgate.rego;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Compile-time types of Rego values, as OPA's type checker has them: scalars, {@code any} (of a
 * union, or of everything), arrays and objects with static and dynamic parts, and sets.
 */
sealed interface RegoType {
  Scalar NULL = new Scalar("null");
  Scalar BOOLEAN = new Scalar("boolean");
  Scalar NUMBER = new Scalar("number");
  Scalar STRING = new Scalar("string");
  Any ANY = new Any(List.of());

  record Scalar(String name) implements RegoType {
    @Override
    public String toString() {
      return name;
    }
  }

  /** One of {@code of}; an empty list stands for any value at all. */
  record Any(List<RegoType> of) implements RegoType {
    @Override
    public String toString() {
      if (of.isEmpty()) {
        return "any";
      }
      StringJoiner j = new StringJoiner(", ", "any<", ">");
      of.forEach(t -> j.add(t.toString()));
      return j.toString();
    }
  }

  /** Elements by position ({@code fixed}), then any number of {@code dynamic} ones (null: none). */
  record Array(List<RegoType> fixed, RegoType dynamic) implements RegoType {
    static Array of(RegoType element) {
      return new Array(List.of(), element);
    }

    RegoType element(int i) {
      return i < fixed.size() ? fixed.get(i) : dynamic;
    }

    /** The union of every element's type; null for the empty array. */
    RegoType elements() {
      RegoType u = dynamic;
      for (RegoType t : fixed) {
        u = u == null ? t : union(u, t);
      }
      return u;
    }

    @Override
    public String toString() {
      if (fixed.isEmpty()) {
        return "array[" + dynamic + "]";
      }
      StringJoiner j = new StringJoiner(", ", "[", dynamic == null ? "]" : ", " + dynamic + "...]");
      fixed.forEach(t -> j.add(t.toString()));
      return j.toString();
    }
  }

  /**
   * Properties by key ({@code fixed}) and, for other keys, {@code dynamicKey}/{@code
   * dynamicValue}; a null dynamic key means no other keys exist (a closed object).
   */
  record Object(Map<Value, RegoType> fixed, RegoType dynamicKey, RegoType dynamicValue) implements RegoType {
    static Object of(RegoType key, RegoType value) {
      return new Object(Map.of(), key, value);
    }

    boolean closed() {
      return dynamicKey == null;
    }

    @Override
    public String toString() {
      if (fixed.isEmpty()) {
        return "object[" + dynamicKey + ": " + dynamicValue + "]";
      }
      StringJoiner j = new StringJoiner(", ", "{", dynamicKey == null ? "}" : ", " + dynamicKey + ": " + dynamicValue + "}");
      fixed.forEach((k, v) -> j.add(k.toJson() + ": " + v));
      return j.toString();
    }
  }

  record Set(RegoType element) implements RegoType {
    @Override
    public String toString() {
      return "set[" + element + "]";
    }
  }

  static boolean isAny(RegoType t) {
    return t instanceof Any a && a.of().isEmpty();
  }

  /** The type of a constant. */
  static RegoType of(Value v) {
    return switch (v) {
      case NullValue n -> NULL;
      case BooleanValue b -> BOOLEAN;
      case NumberValue n -> NUMBER;
      case StringValue s -> STRING;
      case ArrayValue a -> {
        List<RegoType> items = new ArrayList<>(a.size());
        for (Value x : a.asList()) {
          items.add(of(x));
        }
        yield new Array(items, null);
      }
      case SetValue s -> {
        RegoType e = null;
        for (Value x : s.asSet()) {
          e = e == null ? of(x) : union(e, of(x));
        }
        yield new Set(e == null ? ANY : e);
      }
      case ObjectValue o -> {
        Map<Value, RegoType> fixed = new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : o.asMap().entrySet()) {
          fixed.put(e.getKey(), of(e.getValue()));
        }
        yield new Object(fixed, null, null);
      }
    };
  }

  /** Every value of {@code a} or of {@code b}. */
  static RegoType union(RegoType a, RegoType b) {
    if (a == null) {
      return b;
    }
    if (b == null || a.equals(b)) {
      return a;
    }
    if (isAny(a) || isAny(b)) {
      return ANY;
    }
    List<RegoType> out = new ArrayList<>();
    addAll(out, a);
    addAll(out, b);
    return out.size() == 1 ? out.get(0) : new Any(List.copyOf(out));
  }

  private static void addAll(List<RegoType> out, RegoType t) {
    if (t instanceof Any a) {
      a.of().forEach(x -> addAll(out, x));
      return;
    }
    for (int i = 0; i < out.size(); i++) {
      RegoType o = out.get(i);
      if (o.equals(t)) {
        return;
      }
      // same kind: merge into one, so unions stay small
      if (o instanceof Array x && t instanceof Array y) {
        out.set(i, Array.of(union(x.elements() == null ? y.elements() : x.elements(), y.elements())));
        return;
      }
      if (o instanceof Set x && t instanceof Set y) {
        out.set(i, new Set(union(x.element(), y.element())));
        return;
      }
      if (o instanceof Object x && t instanceof Object y) {
        out.set(i, mergeObjects(x, y));
        return;
      }
    }
    out.add(t);
  }

  private static Object mergeObjects(Object x, Object y) {
    Map<Value, RegoType> fixed = new LinkedHashMap<>();
    RegoType dk = union(x.dynamicKey(), y.dynamicKey());
    RegoType dv = union(x.dynamicValue(), y.dynamicValue());
    for (Map.Entry<Value, RegoType> e : x.fixed().entrySet()) {
      RegoType other = y.fixed().get(e.getKey());
      fixed.put(e.getKey(), other == null ? e.getValue() : union(e.getValue(), other));
    }
    for (Map.Entry<Value, RegoType> e : y.fixed().entrySet()) {
      fixed.putIfAbsent(e.getKey(), e.getValue());
    }
    return new Object(fixed, dk, dv);
  }

  /**
   * Whether some value has both types: the test OPA's checker applies to a built-in's operand
   * and its declared type, and to both sides of a unification.
   */
  static boolean overlaps(RegoType a, RegoType b) {
    if (a == null || b == null || isAny(a) || isAny(b)) {
      return true;
    }
    if (a instanceof Any u) {
      for (RegoType t : u.of()) {
        if (overlaps(t, b)) {
          return true;
        }
      }
      return false;
    }
    if (b instanceof Any) {
      return overlaps(b, a);
    }
    return switch (a) {
      case Scalar s -> s.equals(b);
      case Set s -> b instanceof Set t && (s.element() == null || t.element() == null || overlaps(s.element(), t.element()));
      case Array x -> {
        if (!(b instanceof Array y)) {
          yield false;
        }
        if (x.dynamic() == null && y.dynamic() == null && x.fixed().size() != y.fixed().size()
            || x.dynamic() == null && y.fixed().size() > x.fixed().size()
            || y.dynamic() == null && x.fixed().size() > y.fixed().size()) {
          yield false;
        }
        int n = Math.max(x.fixed().size(), y.fixed().size()) + 1;
        for (int i = 0; i < n; i++) {
          RegoType ex = x.element(i);
          RegoType ey = y.element(i);
          if (ex != null && ey != null && !overlaps(ex, ey)) {
            yield false;
          }
        }
        yield true;
      }
      case Object x -> {
        if (!(b instanceof Object y)) {
          yield false;
        }
        for (Map.Entry<Value, RegoType> e : x.fixed().entrySet()) {
          RegoType other = y.fixed().get(e.getKey());
          if (other == null) {
            other = y.dynamicValue();
            if (y.closed() && !y.fixed().isEmpty()) {
              yield false;
            }
          }
          if (other != null && !overlaps(e.getValue(), other)) {
            yield false;
          }
        }
        yield true;
      }
      case Any u -> true;
    };
  }

  /** The type of {@code t[key]} for a constant key; null when no such element can exist. */
  static RegoType select(RegoType t, Value key) {
    return switch (t) {
      case Any u -> {
        if (u.of().isEmpty()) {
          yield ANY;
        }
        RegoType out = null;
        for (RegoType x : u.of()) {
          RegoType s = select(x, key);
          if (s != null) {
            out = union(out, s);
          }
        }
        yield out;
      }
      case Scalar s -> null;
      case Array a -> {
        if (!(key instanceof NumberValue n)) {
          yield null;
        }
        Integer i = n.intValueExact();
        if (i == null || i < 0) {
          yield null;
        }
        if (i < a.fixed().size()) {
          yield a.fixed().get(i);
        }
        yield a.dynamic();
      }
      case Object o -> {
        RegoType v = o.fixed().get(key);
        if (v != null) {
          yield v;
        }
        if (o.closed() || !overlaps(o.dynamicKey(), of(key))) {
          yield null;
        }
        yield o.dynamicValue();
      }
      case Set s -> overlaps(s.element(), of(key)) ? s.element() : null;
    };
  }

  /** The type of {@code t[k]} for a variable k: the type of every element, or null when none. */
  static RegoType elements(RegoType t) {
    return switch (t) {
      case Any u -> {
        if (u.of().isEmpty()) {
          yield ANY;
        }
        RegoType out = null;
        for (RegoType x : u.of()) {
          RegoType s = elements(x);
          if (s != null) {
            out = union(out, s);
          }
        }
        yield out;
      }
      case Scalar s -> null;
      case Array a -> a.elements() == null ? ANY : a.elements();
      case Object o -> {
        RegoType out = o.dynamicValue();
        for (RegoType v : o.fixed().values()) {
          out = union(out, v);
        }
        yield out == null ? ANY : out;
      }
      case Set s -> s.element();
    };
  }

  /** The type of the keys of {@code t}: numbers for arrays, members for sets. */
  static RegoType keys(RegoType t) {
    return switch (t) {
      case Any u -> {
        if (u.of().isEmpty()) {
          yield ANY;
        }
        RegoType out = null;
        for (RegoType x : u.of()) {
          RegoType s = keys(x);
          if (s != null) {
            out = union(out, s);
          }
        }
        yield out;
      }
      case Scalar s -> null;
      case Array a -> NUMBER;
      case Object o -> {
        RegoType out = o.dynamicKey();
        for (Value k : o.fixed().keySet()) {
          out = union(out, of(k));
        }
        yield out == null ? ANY : out;
      }
      case Set s -> s.element();
    };
  }
}
