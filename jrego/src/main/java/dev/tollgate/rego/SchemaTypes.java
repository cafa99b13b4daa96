package dev.tollgate.rego;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema (the draft 4/6/7 keywords OPA's checker reads) to {@link RegoType}: {@code type},
 * {@code properties}, {@code additionalProperties}, {@code items}, {@code additionalItems},
 * {@code enum}, {@code const}, {@code anyOf}/{@code oneOf} (either), {@code allOf} (merged) and
 * {@code $ref} into the same document ({@code #}, {@code #/definitions/..}, {@code #/$defs/..}).
 * Validation keywords (lengths, patterns, {@code required}) do not change the type.
 */
final class SchemaTypes {
  private final Value root;
  private final Set<String> resolving = new HashSet<>();

  private SchemaTypes(Value root) {
    this.root = root;
  }

  /**
   * The type of the values a schema admits.
   *
   * @throws IllegalArgumentException naming the JSON pointer of a malformed part
   */
  static RegoType toType(Value schema) {
    return new SchemaTypes(schema).type(schema, "#");
  }

  private RegoType type(Value schema, String where) {
    if (schema instanceof BooleanValue) {
      return RegoType.ANY;
    }
    if (!(schema instanceof ObjectValue o)) {
      throw new IllegalArgumentException(where + ": a schema must be an object or a boolean");
    }
    Value ref = o.get("$ref");
    if (ref != null) {
      return reference(ref, where);
    }
    RegoType t = null;
    Value c = o.get("const");
    if (c != null) {
      t = RegoType.of(c);
    }
    Value en = o.get("enum");
    if (en != null) {
      if (!(en instanceof ArrayValue a) || a.isEmpty()) {
        throw new IllegalArgumentException(where + "/enum: must be a non-empty array");
      }
      RegoType u = null;
      for (Value v : a.asList()) {
        u = RegoType.union(u, RegoType.of(v));
      }
      t = t == null ? u : t;
    }
    if (t == null) {
      t = declared(o, where);
    }
    for (String k : List.of("anyOf", "oneOf")) {
      Value alts = o.get(k);
      if (alts != null) {
        RegoType u = null;
        for (int i = 0; i < list(alts, where + "/" + k).size(); i++) {
          u = RegoType.union(u, type(list(alts, where).get(i), where + "/" + k + "/" + i));
        }
        t = t == null || RegoType.isAny(t) ? u : t;
      }
    }
    Value all = o.get("allOf");
    if (all != null) {
      List<Value> parts = list(all, where + "/allOf");
      for (int i = 0; i < parts.size(); i++) {
        t = merge(t, type(parts.get(i), where + "/allOf/" + i));
      }
    }
    return t == null ? RegoType.ANY : t;
  }

  private static List<Value> list(Value v, String where) {
    if (!(v instanceof ArrayValue a)) {
      throw new IllegalArgumentException(where + ": must be an array of schemas");
    }
    return a.asList();
  }

  /** The type from {@code type} and the structural keywords, or null when nothing constrains it. */
  private RegoType declared(ObjectValue o, String where) {
    Value tv = o.get("type");
    List<String> names = new ArrayList<>();
    if (tv instanceof StringValue s) {
      names.add(s.value());
    } else if (tv instanceof ArrayValue a) {
      for (Value v : a.asList()) {
        if (!(v instanceof StringValue s)) {
          throw new IllegalArgumentException(where + "/type: must be a string or an array of strings");
        }
        names.add(s.value());
      }
    } else if (tv != null) {
      throw new IllegalArgumentException(where + "/type: must be a string or an array of strings");
    } else if (o.get("properties") != null || o.get("additionalProperties") != null) {
      names.add("object");
    } else if (o.get("items") != null) {
      names.add("array");
    } else {
      return null;
    }
    RegoType t = null;
    for (String n : names) {
      RegoType one = switch (n) {
        case "string" -> RegoType.STRING;
        case "number", "integer" -> RegoType.NUMBER;
        case "boolean" -> RegoType.BOOLEAN;
        case "null" -> RegoType.NULL;
        case "object" -> object(o, where);
        case "array" -> array(o, where);
        default -> throw new IllegalArgumentException(where + "/type: unknown type \"" + n + "\"");
      };
      t = RegoType.union(t, one);
    }
    return t;
  }

  private RegoType object(ObjectValue o, String where) {
    Map<Value, RegoType> fixed = new LinkedHashMap<>();
    Value props = o.get("properties");
    if (props != null) {
      if (!(props instanceof ObjectValue p)) {
        throw new IllegalArgumentException(where + "/properties: must be an object");
      }
      for (Value k : p.sortedKeys()) {
        fixed.put(k, type(p.get(k), where + "/properties/" + ((StringValue) k).value()));
      }
    }
    Value extra = o.get("additionalProperties");
    if (extra instanceof BooleanValue b && !b.value() && o.get("patternProperties") == null) {
      return new RegoType.Object(fixed, null, null);
    }
    RegoType dyn = extra instanceof ObjectValue ? type(extra, where + "/additionalProperties") : RegoType.ANY;
    if (o.get("patternProperties") != null) {
      dyn = RegoType.ANY;
    }
    return new RegoType.Object(fixed, RegoType.STRING, dyn);
  }

  private RegoType array(ObjectValue o, String where) {
    Value items = o.get("items");
    if (items == null) {
      return RegoType.Array.of(RegoType.ANY);
    }
    if (items instanceof ArrayValue a) {
      List<RegoType> fixed = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        fixed.add(type(a.get(i), where + "/items/" + i));
      }
      Value more = o.get("additionalItems");
      RegoType dyn = more instanceof BooleanValue b && !b.value() ? null
          : more instanceof ObjectValue ? type(more, where + "/additionalItems") : RegoType.ANY;
      return new RegoType.Array(List.copyOf(fixed), dyn);
    }
    return RegoType.Array.of(type(items, where + "/items"));
  }

  private RegoType reference(Value ref, String where) {
    if (!(ref instanceof StringValue s) || !s.value().startsWith("#")) {
      throw new IllegalArgumentException(where + "/$ref: only references into the same schema (#/...) are supported");
    }
    String pointer = s.value();
    if (!resolving.add(pointer)) {
      return RegoType.ANY; // a recursive schema: deeper levels are not checked
    }
    try {
      Value target = root;
      String rest = pointer.substring(1);
      if (!rest.isEmpty()) {
        for (String part : rest.substring(1).split("/", -1)) {
          String key = part.replace("~1", "/").replace("~0", "~");
          Value next = target instanceof ObjectValue obj ? obj.get(key) : null;
          if (next == null) {
            throw new IllegalArgumentException(where + "/$ref: " + pointer + " does not exist");
          }
          target = next;
        }
      }
      return type(target, pointer);
    } finally {
      resolving.remove(pointer);
    }
  }

  /** allOf: every part holds, so objects gather their properties. */
  private static RegoType merge(RegoType a, RegoType b) {
    if (a == null || RegoType.isAny(a)) {
      return b;
    }
    if (RegoType.isAny(b)) {
      return a;
    }
    if (a instanceof RegoType.Object x && b instanceof RegoType.Object y) {
      Map<Value, RegoType> fixed = new LinkedHashMap<>(x.fixed());
      y.fixed().forEach((k, v) -> fixed.merge(k, v, SchemaTypes::merge));
      boolean closed = x.closed() || y.closed();
      return closed ? new RegoType.Object(fixed, null, null)
          : new RegoType.Object(fixed, RegoType.STRING, RegoType.ANY);
    }
    return a;
  }
}
