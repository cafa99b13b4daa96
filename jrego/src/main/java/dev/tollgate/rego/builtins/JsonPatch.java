package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * RFC 6902 JSON patch as OPA applies it: paths may also be arrays of segments, set members
 * are addressed by themselves, and any failed operation makes the whole result undefined.
 */
final class JsonPatch {
  private JsonPatch() {}

  /** Why an operation could not be applied; only ever turns into "undefined". */
  private static final class PatchFailure extends Exception {
    private static final long serialVersionUID = 1L;

    PatchFailure(String message) {
      super(message, null, false, false);
    }
  }

  static Value apply(Value doc, ArrayValue ops) {
    try {
      Value cur = doc;
      for (Value opValue : ops.asList()) {
        if (!(opValue instanceof ObjectValue op)) {
          throw new PatchFailure("must be an array of JSON-Patch objects");
        }
        cur = applyOne(cur, op);
      }
      return cur;
    } catch (PatchFailure | BuiltinException e) {
      return null;
    }
  }

  private static Value applyOne(Value doc, ObjectValue op) throws PatchFailure, BuiltinException {
    Value opName = attribute(op, "op");
    if (!(opName instanceof StringValue name)) {
      throw new PatchFailure("attribute 'op' must be a string");
    }
    String kind = name.value();
    if (!List.of("add", "remove", "replace", "move", "copy", "test").contains(kind)) {
      throw new PatchFailure("unrecognized op '" + kind + "'");
    }
    List<Value> path = JsonBuiltins.parsePath(attribute(op, "path"));
    List<Value> from = kind.equals("move") || kind.equals("copy")
        ? JsonBuiltins.parsePath(attribute(op, "from")) : null;
    Value value = kind.equals("add") || kind.equals("replace") || kind.equals("test")
        ? attribute(op, "value") : null;
    return switch (kind) {
      case "add" -> insert(doc, path, 0, value);
      case "remove" -> delete(doc, path, 0);
      case "replace" -> path.isEmpty() ? value : insert(delete(doc, path, 0), path, 0, value);
      case "move" -> {
        Value chunk = get(doc, from);
        yield insert(delete(doc, from, 0), path, 0, chunk);
      }
      case "copy" -> insert(doc, path, 0, get(doc, from));
      default -> {
        if (!get(doc, path).equals(value)) {
          throw new PatchFailure("test failed");
        }
        yield doc;
      }
    };
  }

  private static Value attribute(ObjectValue op, String name) throws PatchFailure {
    Value v = op.get(name);
    if (v == null) {
      throw new PatchFailure("missing '" + name + "' attribute");
    }
    return v;
  }

  private static Value get(Value doc, List<Value> path) throws PatchFailure {
    Value cur = doc;
    for (Value key : path) {
      cur = child(cur, key);
    }
    return cur;
  }

  /** The existing child at {@code key}; a missing one fails. */
  private static Value child(Value container, Value key) throws PatchFailure {
    Value out = switch (container) {
      case ObjectValue o -> o.get(key);
      case SetValue s -> s.contains(key) ? key : null;
      case ArrayValue a -> {
        int i = index(a.size(), key);
        yield i < a.size() ? a.get(i) : null;
      }
      default -> throw new PatchFailure("expected composite type for path " + key);
    };
    if (out == null) {
      throw new PatchFailure("path " + key + " does not exist");
    }
    return out;
  }

  /** Replaces the existing child at {@code key} with {@code value}. */
  private static Value withChild(Value container, Value key, Value value) throws PatchFailure {
    return switch (container) {
      case ObjectValue o -> o.with(key, value);
      case SetValue s -> {
        List<Value> out = new ArrayList<>(s.asSet());
        out.remove(key);
        out.add(value);
        yield SetValue.of(out);
      }
      case ArrayValue a -> {
        Value[] out = a.toArray();
        out[index(a.size(), key)] = value;
        yield ArrayValue.wrap(out);
      }
      default -> throw new PatchFailure("expected composite type");
    };
  }

  private static Value insert(Value doc, List<Value> path, int at, Value value) throws PatchFailure {
    if (at == path.size()) {
      return value;
    }
    Value key = path.get(at);
    if (at + 1 < path.size()) {
      return withChild(doc, key, insert(child(doc, key), path, at + 1, value));
    }
    return switch (doc) {
      case ObjectValue o -> o.with(key, value);
      case SetValue s -> {
        if (!key.equals(value)) {
          throw new PatchFailure("set key " + key + " does not equal value to be inserted " + value);
        }
        List<Value> out = new ArrayList<>(s.asSet());
        out.add(value);
        yield SetValue.of(out);
      }
      case ArrayValue a -> {
        int i = index(a.size(), key);
        if (i > a.size()) {
          throw new PatchFailure("index for array insertion out of bounds");
        }
        List<Value> out = new ArrayList<>(a.asList());
        out.add(i, value);
        yield ArrayValue.of(out);
      }
      default -> throw new PatchFailure("expected composite type, found value: " + doc);
    };
  }

  private static Value delete(Value doc, List<Value> path, int at) throws PatchFailure {
    if (path.isEmpty()) {
      throw new PatchFailure("cannot remove the whole document");
    }
    Value key = path.get(at);
    if (at + 1 < path.size()) {
      return withChild(doc, key, delete(child(doc, key), path, at + 1));
    }
    return switch (doc) {
      case ObjectValue o -> {
        if (!o.containsKey(key)) {
          throw new PatchFailure("cannot delete missing key " + key);
        }
        LinkedHashMap<Value, Value> out = new LinkedHashMap<>(o.asMap());
        out.remove(key);
        yield ObjectValue.of(out);
      }
      case SetValue s -> {
        if (!s.contains(key)) {
          throw new PatchFailure("cannot delete missing member " + key);
        }
        List<Value> out = new ArrayList<>(s.asSet());
        out.remove(key);
        yield SetValue.of(out);
      }
      case ArrayValue a -> {
        int i = index(a.size(), key);
        if (i >= a.size()) {
          throw new PatchFailure("index out of bounds");
        }
        List<Value> out = new ArrayList<>(a.asList());
        out.remove(i);
        yield ArrayValue.of(out);
      }
      default -> throw new PatchFailure("expected composite type, found value: " + doc);
    };
  }

  /**
   * An array index: an integer number, or a decimal string without leading zeros; "-" is the
   * position after the last element.
   */
  private static int index(int length, Value key) throws PatchFailure {
    long i;
    if (key instanceof NumberValue n) {
      if (!n.isLong()) {
        throw new PatchFailure("invalid number type for indexing");
      }
      i = n.longValue();
    } else if (key instanceof StringValue s) {
      String t = s.value();
      if (t.equals("-")) {
        return length;
      }
      if (!t.matches("[+-]?[0-9]+")) {
        throw new PatchFailure("invalid string for indexing");
      }
      if (!t.equals("0") && t.startsWith("0")) {
        throw new PatchFailure("leading zeros are not allowed in JSON paths");
      }
      BigInteger b = new BigInteger(t);
      if (b.bitLength() > 63) {
        throw new PatchFailure("invalid string for indexing");
      }
      i = b.longValue();
    } else {
      throw new PatchFailure("invalid type for indexing");
    }
    if (i < 0 || i > Integer.MAX_VALUE) {
      throw new PatchFailure("index out of bounds");
    }
    return (int) i;
  }
}
