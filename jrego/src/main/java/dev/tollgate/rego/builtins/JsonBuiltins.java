package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code json.marshal*}, {@code json.unmarshal}, {@code json.is_valid}, {@code json.filter}, {@code json.remove}, {@code json.patch}. */
final class JsonBuiltins {
  private JsonBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("json.marshal", 1, (ctx, a) -> StringValue.of(GoJson.marshal(a[0])));
    r.function("json.marshal_with_options", 2, (ctx, a) -> marshalWithOptions(a));
    r.function("json.unmarshal", 1, (ctx, a) -> {
      try {
        return Json.parse(Args.string(a, 0));
      } catch (Json.JsonSyntaxException e) {
        throw BuiltinException.failure(e.getMessage());
      }
    });
    r.function("json.is_valid", 1, (ctx, a) -> {
      if (!(a[0] instanceof StringValue s)) {
        return BooleanValue.FALSE;
      }
      try {
        Json.parse(s.value());
        return BooleanValue.TRUE;
      } catch (Json.JsonSyntaxException e) {
        return BooleanValue.FALSE;
      }
    });
    r.function("json.filter", 2, (ctx, a) -> {
      ObjectValue obj = Args.object(a, 0);
      return filter(obj, pathsToTree(paths(a[1])));
    });
    r.function("json.remove", 2, (ctx, a) -> {
      ObjectValue obj = Args.object(a, 0);
      return remove(obj, pathsToTree(paths(a[1])));
    });
    r.function("json.patch", 2, (ctx, a) -> JsonPatch.apply(a[0], Args.array(a, 1)));
  }

  private static Value marshalWithOptions(Value[] a) throws BuiltinException {
    ObjectValue opts = Args.object(a, 1);
    String indent = "\t";
    String prefix = "";
    boolean implicitPretty = false;
    Boolean explicitPretty = null;
    int idx = -1;
    for (Value k : opts.sortedKeys()) {
      idx++;
      Value v = opts.get(k);
      // OPA reports the key's position as an operand number in the nested message.
      if (!(k instanceof StringValue ks)) {
        throw BuiltinException.typeError("operand 2 failed to stringify key " + k + " at index " + idx
            + ": operand " + idx + " must be string but got " + k.typeName());
      }
      switch (ks.value()) {
        case "prefix" -> {
          prefix = optionString(ks.value(), v, idx);
          implicitPretty = true;
        }
        case "indent" -> {
          indent = optionString(ks.value(), v, idx);
          implicitPretty = true;
        }
        case "pretty" -> {
          if (!(v instanceof BooleanValue b)) {
            throw BuiltinException.typeError("operand 2 key pretty failed cast to bool");
          }
          explicitPretty = b.value();
        }
        default -> throw BuiltinException.typeError("operand 2 object contained unknown key " + ks.value());
      }
    }
    boolean pretty = explicitPretty != null ? explicitPretty : implicitPretty;
    if (!pretty) {
      return StringValue.of(GoJson.marshal(a[0]));
    }
    // Go's MarshalIndent does not prefix the first line; OPA adds it.
    return StringValue.of(prefix + GoJson.marshalIndent(a[0], prefix, indent));
  }

  private static String optionString(String key, Value v, int idx) throws BuiltinException {
    if (v instanceof StringValue s) {
      return s.value();
    }
    throw BuiltinException.typeError("operand 2 key " + key + " failed cast to string: operand " + idx
        + " must be string but got " + v.typeName());
  }

  /** The paths operand: a set or array whose members are "a/b/c" strings or arrays of segments. */
  static List<List<Value>> paths(Value operand) throws BuiltinException {
    List<Value> members = switch (operand) {
      case ArrayValue arr -> arr.asList();
      case SetValue s -> s.sorted();
      default -> throw Args.mustBeOneOf(1, operand, "set", "array");
    };
    List<List<Value>> out = new ArrayList<>(members.size());
    for (Value m : members) {
      out.add(parsePath(m));
    }
    return out;
  }

  /**
   * A path as OPA reads it: a string is split on "/" after stripping leading slashes, with
   * JSON pointer escapes ~1 and ~0 undone; an array is taken segment by segment.
   */
  static List<Value> parsePath(Value p) throws BuiltinException {
    return switch (p) {
      case StringValue s -> {
        if (s.value().isEmpty()) {
          yield List.of();
        }
        String trimmed = s.value().replaceFirst("^/+", "");
        List<Value> segs = new ArrayList<>();
        for (String part : trimmed.split("/", -1)) {
          segs.add(StringValue.of(part.replace("~1", "/").replace("~0", "~")));
        }
        yield segs;
      }
      case ArrayValue arr -> arr.asList();
      default -> throw BuiltinException.typeError(
          "operand 2 must be one of {set, array} containing string paths or array of path segments but got "
              + p.typeName());
    };
  }

  /** Paths merged into a tree of objects whose leaves are null: a shorter path covers longer ones. */
  static ObjectValue pathsToTree(List<List<Value>> paths) {
    Node root = new Node();
    for (List<Value> path : paths) {
      if (path.isEmpty()) {
        continue;
      }
      Node node = root;
      boolean covered = false;
      for (int i = 0; i < path.size() - 1; i++) {
        Value k = path.get(i);
        if (!node.children.containsKey(k)) {
          Node child = new Node();
          node.children.put(k, child);
          node = child;
        } else {
          Node child = node.children.get(k);
          if (child == null) {
            covered = true;
            break;
          }
          node = child;
        }
      }
      if (!covered) {
        node.children.put(path.getLast(), null);
      }
    }
    return root.toValue();
  }

  private static final class Node {
    final LinkedHashMap<Value, Node> children = new LinkedHashMap<>();

    ObjectValue toValue() {
      LinkedHashMap<Value, Value> out = new LinkedHashMap<>();
      children.forEach((k, n) -> out.put(k, n == null ? NullValue.INSTANCE : n.toValue()));
      return ObjectValue.of(out);
    }
  }

  /** Keeps the parts of {@code v} the filter tree names; array elements are named by "0", "1", ... */
  static Value filter(Value v, Value tree) {
    if (tree instanceof NullValue) {
      return v;
    }
    ObjectValue f = (ObjectValue) tree;
    return switch (v) {
      case ArrayValue arr -> {
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
          Value sub = f.get(StringValue.of(Integer.toString(i)));
          if (sub != null) {
            out.add(filter(arr.get(i), sub));
          }
        }
        yield ArrayValue.of(out);
      }
      case SetValue s -> {
        List<Value> out = new ArrayList<>();
        for (Value x : s.asSet()) {
          Value sub = f.get(x);
          if (sub != null) {
            out.add(filter(x, sub));
          }
        }
        yield SetValue.of(out);
      }
      case ObjectValue o -> {
        LinkedHashMap<Value, Value> out = new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : o.asMap().entrySet()) {
          Value sub = f.get(e.getKey());
          if (sub != null) {
            out.put(e.getKey(), filter(e.getValue(), sub));
          }
        }
        yield ObjectValue.of(out);
      }
      default -> v;
    };
  }

  /** Drops the parts of {@code v} at the tree's null leaves; null means "remove this". */
  static Value remove(Value v, Value tree) {
    if (tree == null) {
      return v;
    }
    if (tree instanceof NullValue) {
      return null;
    }
    if (!(tree instanceof ObjectValue f)) {
      return v;
    }
    return switch (v) {
      case ObjectValue o -> {
        LinkedHashMap<Value, Value> out = new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : o.asMap().entrySet()) {
          Value kept = remove(e.getValue(), f.get(e.getKey()));
          if (kept != null) {
            out.put(e.getKey(), kept);
          }
        }
        yield ObjectValue.of(out);
      }
      case SetValue s -> {
        List<Value> out = new ArrayList<>();
        for (Value x : s.asSet()) {
          Value kept = remove(x, f.get(x));
          if (kept != null) {
            out.add(kept);
          }
        }
        yield SetValue.of(out);
      }
      case ArrayValue arr -> {
        // Removed elements close up, as in JSON patch.
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
          Value kept = remove(arr.get(i), f.get(StringValue.of(Integer.toString(i))));
          if (kept != null) {
            out.add(kept);
          }
        }
        yield ArrayValue.of(out);
      }
      default -> v;
    };
  }
}
