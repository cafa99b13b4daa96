package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.Value;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code object.*} built-ins. */
final class ObjectBuiltins {
  private ObjectBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("object.get", 3, (ctx, a) -> get(a));
    r.function("object.keys", 1, (ctx, a) -> SetValue.of(Args.object(a, 0).asMap().keySet()));
    r.function("object.remove", 2, (ctx, a) -> {
      ObjectValue obj = Args.object(a, 0);
      Set<Value> drop = keys(a[1]);
      LinkedHashMap<Value, Value> out = new LinkedHashMap<>();
      obj.asMap().forEach((k, v) -> {
        if (!drop.contains(k)) {
          out.put(k, v);
        }
      });
      return ObjectValue.of(out);
    });
    r.function("object.filter", 2, (ctx, a) -> {
      ObjectValue obj = Args.object(a, 0);
      Set<Value> keep = keys(a[1]);
      LinkedHashMap<Value, Value> out = new LinkedHashMap<>();
      obj.asMap().forEach((k, v) -> {
        if (keep.contains(k)) {
          out.put(k, v);
        }
      });
      return ObjectValue.of(out);
    });
    r.function("object.union", 2, (ctx, a) -> union(Args.object(a, 0), Args.object(a, 1)));
    r.function("object.union_n", 1, (ctx, a) -> {
      ArrayValue arr = Args.array(a, 0);
      ObjectValue out = ObjectValue.EMPTY;
      for (Value v : arr.asList()) {
        if (!(v instanceof ObjectValue o)) {
          throw BuiltinException.typeError(
              "operand 1 must be array of objects but got array containing " + v.typeName());
        }
        out = union(out, o);
      }
      return out;
    });
    r.function("object.subset", 2, (ctx, a) -> subset(a));
  }

  private static Value get(Value[] a) throws BuiltinException {
    ObjectValue obj = Args.object(a, 0);
    if (!(a[1] instanceof ArrayValue path)) {
      Value v = obj.get(a[1]);
      return v != null ? v : a[2];
    }
    Value cur = obj;
    for (Value key : path.asList()) {
      cur = child(cur, key);
      if (cur == null) {
        return a[2];
      }
    }
    return cur;
  }

  /** One step of a path: object key, array index, or set member; null when absent. */
  static Value child(Value container, Value key) {
    return switch (container) {
      case ObjectValue o -> o.get(key);
      case ArrayValue arr -> key instanceof NumberValue n && n.isLong()
          ? arr.getOrNull(n.longValue()) : null;
      case SetValue s -> s.contains(key) ? key : null;
      default -> null;
    };
  }

  /** The keys named by an array, a set, or an object's keys. */
  private static Set<Value> keys(Value v) throws BuiltinException {
    Collection<Value> keys = switch (v) {
      case ArrayValue arr -> arr.asList();
      case SetValue s -> s.asSet();
      case ObjectValue o -> o.asMap().keySet();
      default -> throw Args.mustBeOneOf(1, v, "object", "set", "array");
    };
    return keys instanceof Set<Value> s ? s : new HashSet<>(keys);
  }

  /** Right-biased recursive merge: where both sides hold objects they merge, else the right wins. */
  static ObjectValue union(ObjectValue left, ObjectValue right) {
    if (left.isEmpty()) {
      return right;
    }
    if (right.isEmpty() || left.equals(right)) {
      return left;
    }
    LinkedHashMap<Value, Value> out = new LinkedHashMap<>(left.asMap());
    right.asMap().forEach((k, v) -> {
      Value old = out.get(k);
      out.put(k, old instanceof ObjectValue lo && v instanceof ObjectValue ro ? union(lo, ro) : v);
    });
    return ObjectValue.of(out);
  }

  private static Value subset(Value[] a) throws BuiltinException {
    Value sup = a[0];
    Value sub = a[1];
    if (sup instanceof ObjectValue so && sub instanceof ObjectValue bo) {
      return BooleanValue.of(objectSubset(so, bo));
    }
    if (sup instanceof SetValue ss && sub instanceof SetValue bs) {
      return BooleanValue.of(ss.asSet().containsAll(bs.asSet()));
    }
    if (sup instanceof ArrayValue sa && sub instanceof ArrayValue ba) {
      return BooleanValue.of(arraySubset(sa, ba));
    }
    if (sup instanceof ArrayValue sa && sub instanceof SetValue bs) {
      return BooleanValue.of(arraySetSubset(sa, bs));
    }
    throw BuiltinException.typeError(
        "both arguments object.subset must be of the same type or array and set");
  }

  /**
   * OPA counts array elements found in the set until the count reaches the set's size, so
   * duplicates in the array count again and an empty set is a subset only of a non-empty array.
   */
  private static boolean arraySetSubset(ArrayValue sup, SetValue sub) {
    int unmatched = sub.size();
    for (Value v : sup.asList()) {
      if (sub.contains(v)) {
        unmatched--;
      }
      if (unmatched == 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean objectSubset(ObjectValue sup, ObjectValue sub) {
    for (Map.Entry<Value, Value> e : sub.asMap().entrySet()) {
      Value have = sup.get(e.getKey());
      if (have == null) {
        return false;
      }
      Value want = e.getValue();
      boolean ok;
      if (have instanceof ObjectValue ho && want instanceof ObjectValue wo) {
        ok = objectSubset(ho, wo);
      } else if (have instanceof SetValue hs && want instanceof SetValue ws) {
        ok = hs.asSet().containsAll(ws.asSet());
      } else if (have instanceof ArrayValue ha && want instanceof ArrayValue wa) {
        ok = arraySubset(ha, wa);
      } else {
        ok = have.equals(want);
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code sub} occurs as a contiguous run inside {@code sup}. */
  private static boolean arraySubset(ArrayValue sup, ArrayValue sub) {
    List<Value> hay = sup.asList();
    List<Value> needle = sub.asList();
    if (needle.isEmpty()) {
      return true;
    }
    return java.util.Collections.indexOfSubList(hay, needle) >= 0;
  }

}
