package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A JSON Schema validator for drafts 4, 6 and 7 with the error kinds and wording of the
 * gojsonschema library OPA uses. Covered: type, enum, const, multipleOf, maximum, minimum,
 * exclusiveMaximum/Minimum (boolean in draft 4, numeric from draft 6), maxLength, minLength,
 * pattern, format (date-time, date, time, email, hostname, ipv4, ipv6, uri, uri-reference,
 * uuid, regex, json-pointer; others accepted), items, additionalItems, maxItems, minItems,
 * uniqueItems, contains, maxProperties, minProperties, required, properties,
 * patternProperties, additionalProperties, dependencies, propertyNames, allOf, anyOf, oneOf,
 * not, if/then/else, boolean schemas, definitions and $ref to JSON pointers inside the same
 * document. Remote references are refused. Patterns use Java regular expressions.
 */
final class JsonSchema {
  private static final Set<String> TYPES = Set.of("array", "boolean", "integer", "number", "null", "object", "string");
  private static final Pattern HOSTNAME = Pattern.compile(
      "^(?=.{1,253}\\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\\.?$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");
  private static final Pattern UUID = Pattern.compile(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern IPV4 = Pattern.compile(
      "^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$");
  private static final Pattern JSON_POINTER = Pattern.compile("^(/([^/~]|~[01])*)*$");

  /** A schema that cannot be used; reported by {@code json.verify_schema}. */
  static final class SchemaException extends Exception {
    private static final long serialVersionUID = 1L;

    SchemaException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * One validation error. {@code field} is the instance location: "(root)" for the document,
   * "a.0.b" below it.
   */
  record Error(String field, String type, String desc) {
    Error {
      field = field.startsWith("(root).") ? field.substring("(root).".length()) : field;
    }

    Value toValue() {
      return ObjectValue.builder()
          .put("error", field + ": " + desc)
          .put("type", type)
          .put("field", field)
          .put("desc", desc)
          .build();
    }
  }

  private enum Draft { D4, D6, D7, HYBRID }

  static void register(BuiltinRegistry.Builder r) {
    r.function("json.verify_schema", 1, (ctx, a) -> {
      try {
        compile(load(a[0]));
        return ArrayValue.of(BooleanValue.TRUE, NullValue.INSTANCE);
      } catch (SchemaException e) {
        return ArrayValue.of(BooleanValue.FALSE, StringValue.of("jsonschema: " + e.getMessage()));
      }
    });
    r.function("json.match_schema", 2, (ctx, a) -> {
      try {
        Value doc = load(a[0]);
        JsonSchema schema = compile(load(a[1]));
        List<Error> errors = schema.validate(doc);
        List<Value> out = new ArrayList<>(errors.size());
        for (Error e : errors) {
          out.add(e.toValue());
        }
        return ArrayValue.of(BooleanValue.of(errors.isEmpty()), ArrayValue.of(out));
      } catch (SchemaException e) {
        throw BuiltinException.failure(e.getMessage());
      }
    });
  }

  /** A schema or document operand: JSON text, or an object/array value. */
  private static Value load(Value v) throws SchemaException {
    return switch (v) {
      case StringValue s -> {
        try {
          yield Json.parse(s.value());
        } catch (Json.JsonSyntaxException e) {
          throw new SchemaException("invalid JSON string");
        }
      }
      // As JSON: sets become arrays and non-string keys strings.
      case ObjectValue o -> Json.parse(GoJson.marshal(o));
      case ArrayValue arr -> Json.parse(GoJson.marshal(arr));
      default -> throw new SchemaException("wrong type, expected string or object");
    };
  }

  private final Value root;
  private final Draft draft;
  private final Map<String, Pattern> patterns = new HashMap<>();

  private JsonSchema(Value root, Draft draft) {
    this.root = root;
    this.draft = draft;
  }

  /** Checks the schema as a whole; a schema that passes can be used for validation. */
  static JsonSchema compile(Value schema) throws SchemaException {
    if (!(schema instanceof ObjectValue || schema instanceof BooleanValue)) {
      throw new SchemaException("Invalid JSON, expected a schema object");
    }
    Draft draft = Draft.HYBRID;
    if (schema instanceof ObjectValue o && o.get("$schema") instanceof StringValue s) {
      String uri = s.value();
      if (uri.contains("draft-04")) {
        draft = Draft.D4;
      } else if (uri.contains("draft-06")) {
        draft = Draft.D6;
      } else if (uri.contains("draft-07")) {
        draft = Draft.D7;
      }
    }
    JsonSchema js = new JsonSchema(schema, draft);
    js.check(schema, "#");
    return js;
  }

  /** Validates {@code doc}; the empty list means valid. */
  List<Error> validate(Value doc) throws SchemaException {
    List<Error> errors = new ArrayList<>();
    validate(root, doc, "(root)", errors, 0);
    return errors;
  }

  // ---- schema checking ----

  private void check(Value schema, String at) throws SchemaException {
    if (schema instanceof BooleanValue) {
      if (draft == Draft.D4) {
        throw new SchemaException("Invalid schema at " + at + ": boolean schemas need draft 6 or later");
      }
      return;
    }
    if (!(schema instanceof ObjectValue s)) {
      throw new SchemaException("Invalid schema at " + at + ": must be an object");
    }
    if (s.get("$ref") != null) {
      if (!(s.get("$ref") instanceof StringValue ref)) {
        throw new SchemaException("Invalid schema at " + at + ": $ref must be a string");
      }
      resolve(ref.value());
    }
    Value type = s.get("type");
    if (type != null) {
      List<Value> names = type instanceof ArrayValue a ? a.asList() : List.of(type);
      for (Value n : names) {
        if (!(n instanceof StringValue sn) || !TYPES.contains(sn.value())) {
          throw new SchemaException("has a primitive type that is NOT VALID -- given: /"
              + (n instanceof StringValue sn ? sn.value() : n.toString()) + "/ Expected valid values are:"
              + "[array boolean integer number null object string]");
        }
      }
    }
    for (String k : List.of("maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties")) {
      Value v = s.get(k);
      if (v != null && !(v instanceof NumberValue n && n.isInteger() && n.signum() >= 0)) {
        throw new SchemaException(k + " must be of an integer >= 0");
      }
    }
    for (String k : List.of("multipleOf", "maximum", "minimum")) {
      Value v = s.get(k);
      if (v != null && !(v instanceof NumberValue)) {
        throw new SchemaException(k + " must be of a number");
      }
    }
    if (s.get("multipleOf") instanceof NumberValue m && m.signum() <= 0) {
      throw new SchemaException("multipleOf must be strictly greater than 0");
    }
    if (s.get("pattern") != null) {
      if (!(s.get("pattern") instanceof StringValue p)) {
        throw new SchemaException("pattern must be of a string");
      }
      pattern(p.value());
    }
    if (s.get("required") != null && !(s.get("required") instanceof ArrayValue)) {
      throw new SchemaException("required must be of an array");
    }
    if (s.get("enum") != null && !(s.get("enum") instanceof ArrayValue)) {
      throw new SchemaException("enum must be of an array");
    }
    for (String k : List.of("additionalItems", "additionalProperties", "not", "if", "then", "else",
        "contains", "propertyNames")) {
      Value v = s.get(k);
      if (v != null && !(v instanceof BooleanValue && (k.startsWith("additional")))) {
        check(v, at + "/" + k);
      }
    }
    Value items = s.get("items");
    if (items instanceof ArrayValue a) {
      for (int i = 0; i < a.size(); i++) {
        check(a.get(i), at + "/items/" + i);
      }
    } else if (items != null) {
      check(items, at + "/items");
    }
    for (String k : List.of("allOf", "anyOf", "oneOf")) {
      Value v = s.get(k);
      if (v != null) {
        if (!(v instanceof ArrayValue a) || a.isEmpty()) {
          throw new SchemaException(k + " must be of an array with at least one schema");
        }
        for (int i = 0; i < a.size(); i++) {
          check(a.get(i), at + "/" + k + "/" + i);
        }
      }
    }
    for (String k : List.of("properties", "patternProperties", "definitions", "$defs")) {
      Value v = s.get(k);
      if (v != null) {
        if (!(v instanceof ObjectValue o)) {
          throw new SchemaException(k + " must be of an object");
        }
        for (Map.Entry<Value, Value> e : o.asMap().entrySet()) {
          if (k.equals("patternProperties")) {
            pattern(((StringValue) e.getKey()).value());
          }
          check(e.getValue(), at + "/" + k + "/" + e.getKey());
        }
      }
    }
    if (s.get("dependencies") instanceof ObjectValue deps) {
      for (Map.Entry<Value, Value> e : deps.asMap().entrySet()) {
        if (!(e.getValue() instanceof ArrayValue)) {
          check(e.getValue(), at + "/dependencies/" + e.getKey());
        }
      }
    }
  }

  private Pattern pattern(String regex) throws SchemaException {
    Pattern p = patterns.get(regex);
    if (p == null) {
      try {
        p = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new SchemaException("Invalid regex pattern '" + regex + "'");
      }
      patterns.put(regex, p);
    }
    return p;
  }

  /** A reference within this document: "#", "#/json/pointer", or the root's id with a fragment. */
  private Value resolve(String ref) throws SchemaException {
    String fragment = ref;
    int hash = ref.indexOf('#');
    if (hash > 0) {
      String base = ref.substring(0, hash);
      String id = root instanceof ObjectValue o && (o.get("$id") instanceof StringValue s || o.get("id") instanceof StringValue)
          ? ((StringValue) (o.get("$id") != null ? o.get("$id") : o.get("id"))).value() : null;
      if (id == null || !stripFragment(id).equals(base)) {
        throw new SchemaException("remote references are not supported: " + ref);
      }
      fragment = ref.substring(hash);
    } else if (hash < 0) {
      throw new SchemaException("remote references are not supported: " + ref);
    }
    Value cur = root;
    if (fragment.length() > 1) {
      if (!fragment.startsWith("#/")) {
        throw new SchemaException("unsupported reference " + ref);
      }
      for (String token : fragment.substring(2).split("/", -1)) {
        String key = java.net.URLDecoder.decode(token.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8)
            .replace("~1", "/").replace("~0", "~");
        Value next = pointerChild(cur, key);
        if (next == null) {
          throw new SchemaException("Object has no key '" + key + "' in reference " + ref);
        }
        cur = next;
      }
    }
    return cur;
  }

  private static String stripFragment(String uri) {
    int i = uri.indexOf('#');
    return i < 0 ? uri : uri.substring(0, i);
  }

  private static Value pointerChild(Value cur, String key) {
    if (cur instanceof ObjectValue o) {
      return o.get(key);
    }
    if (cur instanceof ArrayValue a && key.matches("0|[1-9][0-9]*") && key.length() < 10) {
      return a.getOrNull(Long.parseLong(key));
    }
    return null;
  }

  // ---- validation ----

  private void validate(Value schema, Value doc, String field, List<Error> errors, int depth) throws SchemaException {
    if (depth > 500) {
      throw new SchemaException("schema recursion too deep");
    }
    if (schema instanceof BooleanValue b) {
      if (!b.value()) {
        errors.add(new Error(field, "false", "False always fails validation"));
      }
      return;
    }
    ObjectValue s = (ObjectValue) schema;
    if (s.get("$ref") instanceof StringValue ref) {
      validate(resolve(ref.value()), doc, field, errors, depth + 1);
      return;
    }
    Value type = s.get("type");
    if (type != null && !typeMatches(type, doc)) {
      String expected = type instanceof ArrayValue a
          ? "[" + String.join(",", a.asList().stream().map(v -> ((StringValue) v).value()).toList()) + "]"
          : ((StringValue) type).value();
      errors.add(new Error(field, "invalid_type", "Invalid type. Expected: " + expected + ", given: " + typeOf(doc)));
      return;
    }
    combinators(s, doc, field, errors, depth);
    switch (doc) {
      case ArrayValue a -> {
        arrayKeywords(s, a, field, errors, depth);
        common(s, doc, field, errors);
      }
      case ObjectValue o -> {
        objectKeywords(s, o, field, errors, depth);
        common(s, doc, field, errors);
        if (s.get("properties") instanceof ObjectValue props) {
          for (Value k : props.sortedKeys()) {
            Value v = o.get(k);
            if (v != null) {
              validate(props.get(k), v, child(field, ((StringValue) k).value()), errors, depth + 1);
            }
          }
        }
      }
      case NumberValue n -> {
        common(s, doc, field, errors);
        numberKeywords(s, n, field, errors);
      }
      case StringValue str -> {
        common(s, doc, field, errors);
        stringKeywords(s, str.value(), field, errors);
      }
      default -> common(s, doc, field, errors);
    }
  }

  private static String shortField(String field) {
    return new Error(field, "", "").field();
  }

  private static String child(String field, String key) {
    return field + "." + key;
  }

  private static boolean typeMatches(Value type, Value doc) {
    List<Value> names = type instanceof ArrayValue a ? a.asList() : List.of(type);
    String t = typeOf(doc);
    for (Value n : names) {
      String name = ((StringValue) n).value();
      if (name.equals(t) || (name.equals("number") && t.equals("integer"))) {
        return true;
      }
    }
    return false;
  }

  private static String typeOf(Value doc) {
    return switch (doc) {
      case NumberValue n -> n.isInteger() ? "integer" : "number";
      case dev.tollgate.rego.value.SetValue s -> "array";
      default -> doc.typeName();
    };
  }

  private List<Error> sub(Value schema, Value doc, String field, int depth) throws SchemaException {
    List<Error> errs = new ArrayList<>();
    validate(schema, doc, field, errs, depth + 1);
    return errs;
  }

  /** The errors of the alternative that came closest (fewest errors), as gojsonschema reports. */
  private static List<Error> closest(List<List<Error>> results) {
    List<Error> best = null;
    for (List<Error> r : results) {
      if (best == null || r.size() < best.size()) {
        best = r;
      }
    }
    return best == null ? List.of() : best;
  }

  private void combinators(ObjectValue s, Value doc, String field, List<Error> errors, int depth) throws SchemaException {
    if (s.get("anyOf") instanceof ArrayValue any) {
      List<List<Error>> failed = new ArrayList<>();
      boolean ok = false;
      for (Value alt : any.asList()) {
        List<Error> e = sub(alt, doc, field, depth);
        if (e.isEmpty()) {
          ok = true;
          break;
        }
        failed.add(e);
      }
      if (!ok) {
        errors.add(new Error(field, "number_any_of", "Must validate at least one schema (anyOf)"));
        errors.addAll(closest(failed));
      }
    }
    if (s.get("oneOf") instanceof ArrayValue one) {
      List<List<Error>> failed = new ArrayList<>();
      int valid = 0;
      for (Value alt : one.asList()) {
        List<Error> e = sub(alt, doc, field, depth);
        if (e.isEmpty()) {
          valid++;
        } else {
          failed.add(e);
        }
      }
      if (valid != 1) {
        errors.add(new Error(field, "number_one_of", "Must validate one and only one schema (oneOf)"));
        if (valid == 0) {
          errors.addAll(closest(failed));
        }
      }
    }
    if (s.get("allOf") instanceof ArrayValue all) {
      List<Error> merged = new ArrayList<>();
      for (Value alt : all.asList()) {
        merged.addAll(sub(alt, doc, field, depth));
      }
      if (!merged.isEmpty()) {
        errors.add(new Error(field, "number_all_of", "Must validate all the schemas (allOf)"));
        errors.addAll(merged);
      }
    }
    Value not = s.get("not");
    if (not != null && sub(not, doc, field, depth).isEmpty()) {
      errors.add(new Error(field, "number_not", "Must not validate the schema (not)"));
    }
    if (doc instanceof ObjectValue o && s.get("dependencies") instanceof ObjectValue deps) {
      for (Value k : deps.sortedKeys()) {
        if (!o.containsKey(k)) {
          continue;
        }
        Value dep = deps.get(k);
        if (dep instanceof ArrayValue names) {
          for (Value n : names.asList()) {
            if (!o.containsKey(n)) {
              errors.add(new Error(field, "missing_dependency", "Has a dependency on " + ((StringValue) n).value()));
            }
          }
        } else {
          errors.addAll(sub(dep, doc, field, depth));
        }
      }
    }
    Value cond = s.get("if");
    if (cond != null && draft != Draft.D4 && draft != Draft.D6) {
      if (sub(cond, doc, field, depth).isEmpty()) {
        Value then = s.get("then");
        if (then != null) {
          List<Error> e = sub(then, doc, field, depth);
          if (!e.isEmpty()) {
            errors.add(new Error(field, "condition_then", "Must validate \"then\" as \"if\" was valid"));
            errors.addAll(e);
          }
        }
      } else {
        Value otherwise = s.get("else");
        if (otherwise != null) {
          List<Error> e = sub(otherwise, doc, field, depth);
          if (!e.isEmpty()) {
            errors.add(new Error(field, "condition_else", "Must validate \"else\" as \"if\" was not valid"));
            errors.addAll(e);
          }
        }
      }
    }
  }

  private static void common(ObjectValue s, Value doc, String field, List<Error> errors) {
    Value c = s.get("const");
    if (c != null && !jsonEquals(c, doc)) {
      errors.add(new Error(field, "const", shortField(field) + " does not match: " + GoJson.marshal(c)));
    }
    if (s.get("enum") instanceof ArrayValue e) {
      boolean found = false;
      for (Value v : e.asList()) {
        if (jsonEquals(v, doc)) {
          found = true;
          break;
        }
      }
      if (!found) {
        List<String> allowed = new ArrayList<>();
        for (Value v : e.asList()) {
          allowed.add(GoJson.marshal(v));
        }
        errors.add(new Error(field, "enum", shortField(field) + " must be one of the following: " + String.join(", ", allowed)));
      }
    }
  }

  /** Equality of JSON documents: sets compare as the arrays they are written as. */
  private static boolean jsonEquals(Value a, Value b) {
    return a.equals(b) || GoJson.marshal(a).equals(GoJson.marshal(b));
  }

  private void arrayKeywords(ObjectValue s, ArrayValue a, String field, List<Error> errors, int depth)
      throws SchemaException {
    Value items = s.get("items");
    if (items instanceof ArrayValue tuple) {
      for (int i = 0; i < a.size() && i < tuple.size(); i++) {
        validate(tuple.get(i), a.get(i), child(field, Integer.toString(i)), errors, depth + 1);
      }
      Value extra = s.get("additionalItems");
      if (extra instanceof BooleanValue b) {
        if (!b.value() && a.size() > tuple.size()) {
          errors.add(new Error(field, "array_no_additional_items", "No additional items allowed on array"));
        }
      } else if (extra != null) {
        for (int i = tuple.size(); i < a.size(); i++) {
          validate(extra, a.get(i), child(field, Integer.toString(i)), errors, depth + 1);
        }
      }
    } else if (items != null) {
      for (int i = 0; i < a.size(); i++) {
        validate(items, a.get(i), child(field, Integer.toString(i)), errors, depth + 1);
      }
    }
    if (s.get("minItems") instanceof NumberValue n && a.size() < n.doubleValue()) {
      errors.add(new Error(field, "array_min_items", "Array must have at least " + n + " items"));
    }
    if (s.get("maxItems") instanceof NumberValue n && a.size() > n.doubleValue()) {
      errors.add(new Error(field, "array_max_items", "Array must have at most " + n + " items"));
    }
    if (s.get("uniqueItems") == BooleanValue.TRUE) {
      outer:
      for (int i = 0; i < a.size(); i++) {
        for (int j = i + 1; j < a.size(); j++) {
          if (jsonEquals(a.get(i), a.get(j))) {
            errors.add(new Error(field, "unique", "array items[" + i + "," + j + "] must be unique"));
            break outer;
          }
        }
      }
    }
    Value contains = s.get("contains");
    if (contains != null && draft != Draft.D4) {
      boolean any = false;
      for (Value item : a.asList()) {
        if (sub(contains, item, field, depth).isEmpty()) {
          any = true;
          break;
        }
      }
      if (!any) {
        errors.add(new Error(field, "contains", "At least one of the items must match"));
      }
    }
  }

  private void objectKeywords(ObjectValue s, ObjectValue o, String field, List<Error> errors, int depth)
      throws SchemaException {
    if (s.get("maxProperties") instanceof NumberValue n && o.size() > n.doubleValue()) {
      errors.add(new Error(field, "array_max_properties", "Must have at most " + n + " properties"));
    }
    if (s.get("minProperties") instanceof NumberValue n && o.size() < n.doubleValue()) {
      errors.add(new Error(field, "array_min_properties", "Must have at least " + n + " properties"));
    }
    if (s.get("required") instanceof ArrayValue req) {
      for (Value r : req.asList()) {
        if (!o.containsKey(r)) {
          errors.add(new Error(field, "required", (r instanceof StringValue rs ? rs.value() : r.toString())
              + " is required"));
        }
      }
    }
    ObjectValue props = s.get("properties") instanceof ObjectValue p ? p : ObjectValue.EMPTY;
    ObjectValue patternProps = s.get("patternProperties") instanceof ObjectValue p ? p : ObjectValue.EMPTY;
    Value additional = s.get("additionalProperties");
    for (Value k : o.sortedKeys()) {
      String key = k instanceof StringValue ks ? ks.value() : GoJson.marshal(k);
      boolean matched = false;
      for (Value pk : patternProps.sortedKeys()) {
        String regex = ((StringValue) pk).value();
        if (pattern(regex).matcher(key).find()) {
          matched = true;
          validate(patternProps.get(pk), o.get(k), child(field, key), errors, depth + 1);
        }
      }
      if (!props.containsKey(k) && !matched && additional != null) {
        if (additional instanceof BooleanValue b) {
          if (!b.value()) {
            errors.add(new Error(field, "additional_property_not_allowed",
                "Additional property " + key + " is not allowed"));
          }
        } else {
          validate(additional, o.get(k), child(field, key), errors, depth + 1);
        }
      }
    }
    Value names = s.get("propertyNames");
    if (names != null && draft != Draft.D4) {
      for (Value k : o.sortedKeys()) {
        String key = k instanceof StringValue ks ? ks.value() : GoJson.marshal(k);
        List<Error> e = sub(names, StringValue.of(key), field, depth);
        if (!e.isEmpty()) {
          errors.add(new Error(field, "invalid_property_name", "Property name of \"" + key + "\" does not match"));
          errors.addAll(e);
        }
      }
    }
  }

  private void stringKeywords(ObjectValue s, String str, String field, List<Error> errors) throws SchemaException {
    long len = str.codePointCount(0, str.length());
    if (s.get("minLength") instanceof NumberValue n && len < n.doubleValue()) {
      errors.add(new Error(field, "string_gte", "String length must be greater than or equal to " + n));
    }
    if (s.get("maxLength") instanceof NumberValue n && len > n.doubleValue()) {
      errors.add(new Error(field, "string_lte", "String length must be less than or equal to " + n));
    }
    if (s.get("pattern") instanceof StringValue p && !pattern(p.value()).matcher(str).find()) {
      errors.add(new Error(field, "pattern", "Does not match pattern '" + p.value() + "'"));
    }
    if (s.get("format") instanceof StringValue f && !formatMatches(f.value(), str)) {
      errors.add(new Error(field, "format", "Does not match format '" + f.value() + "'"));
    }
  }

  private void numberKeywords(ObjectValue s, NumberValue n, String field, List<Error> errors) {
    BigDecimal x = n.toBigDecimal();
    if (s.get("multipleOf") instanceof NumberValue m
        && x.remainder(m.toBigDecimal()).signum() != 0) {
      errors.add(new Error(field, "multiple_of", "Must be a multiple of " + m));
    }
    Value max = s.get("maximum");
    Value exMax = s.get("exclusiveMaximum");
    if (max instanceof NumberValue mx) {
      boolean exclusive = exMax == BooleanValue.TRUE && draft != Draft.D6 && draft != Draft.D7;
      int c = x.compareTo(mx.toBigDecimal());
      if (exclusive ? c >= 0 : c > 0) {
        errors.add(exclusive
            ? new Error(field, "number_lt", "Must be less than " + mx)
            : new Error(field, "number_lte", "Must be less than or equal to " + mx));
      }
    }
    if (exMax instanceof NumberValue mx && draft != Draft.D4 && x.compareTo(mx.toBigDecimal()) >= 0) {
      errors.add(new Error(field, "number_lt", "Must be less than " + mx));
    }
    Value min = s.get("minimum");
    Value exMin = s.get("exclusiveMinimum");
    if (min instanceof NumberValue mn) {
      boolean exclusive = exMin == BooleanValue.TRUE && draft != Draft.D6 && draft != Draft.D7;
      int c = x.compareTo(mn.toBigDecimal());
      if (exclusive ? c <= 0 : c < 0) {
        errors.add(exclusive
            ? new Error(field, "number_gt", "Must be greater than " + mn)
            : new Error(field, "number_gte", "Must be greater than or equal to " + mn));
      }
    }
    if (exMin instanceof NumberValue mn && draft != Draft.D4 && x.compareTo(mn.toBigDecimal()) <= 0) {
      errors.add(new Error(field, "number_gt", "Must be greater than " + mn));
    }
  }

  private static boolean formatMatches(String format, String s) {
    return switch (format) {
      case "date-time" -> parses(() -> OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      case "date" -> parses(() -> LocalDate.parse(s, DateTimeFormatter.ISO_LOCAL_DATE));
      case "time" -> parses(() -> java.time.OffsetTime.parse(s, DateTimeFormatter.ISO_OFFSET_TIME));
      case "email" -> EMAIL.matcher(s).matches();
      case "hostname" -> HOSTNAME.matcher(s).matches();
      case "ipv4" -> IPV4.matcher(s).matches();
      case "ipv6" -> s.contains(":") && parses(() -> java.net.InetAddress.ofLiteral(s));
      case "uri" -> {
        try {
          yield new URI(s).isAbsolute();
        } catch (URISyntaxException e) {
          yield false;
        }
      }
      case "uri-reference" -> {
        try {
          new URI(s);
          yield true;
        } catch (URISyntaxException e) {
          yield false;
        }
      }
      case "uuid" -> UUID.matcher(s).matches();
      case "regex" -> {
        try {
          Pattern.compile(s);
          yield true;
        } catch (PatternSyntaxException e) {
          yield false;
        }
      }
      case "json-pointer" -> JSON_POINTER.matcher(s).matches();
      default -> true;
    };
  }

  private static boolean parses(Runnable r) {
    try {
      r.run();
      return true;
    } catch (DateTimeParseException | IllegalArgumentException e) {
      return false;
    }
  }
}
