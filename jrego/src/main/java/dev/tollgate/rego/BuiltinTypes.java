package dev.tollgate.rego;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Operand and result types of the built-in functions, after OPA's declarations (its
 * {@code ast/builtins.go}), written in a small notation: {@code any}, {@code string},
 * {@code number}, {@code boolean}, {@code null}, {@code array[T]}, {@code set[T]},
 * {@code object[K: V]} (bare {@code array}, {@code set}, {@code object} hold anything),
 * {@code [T, U]} for a fixed-length array and {@code A | B} for either.
 */
final class BuiltinTypes {
  /** A built-in's signature. */
  record Signature(List<RegoType> args, RegoType result) {}

  private static final String[] DECLARATIONS = {
    // comparison and arithmetic operators
    "equal", "(any, any) boolean",
    "neq", "(any, any) boolean",
    "gt", "(any, any) boolean",
    "gte", "(any, any) boolean",
    "lt", "(any, any) boolean",
    "lte", "(any, any) boolean",
    "plus", "(number, number) number",
    "minus", "(number | set, number | set) number | set",
    "mul", "(number, number) number",
    "div", "(number, number) number",
    "rem", "(number, number) number",
    "and", "(set, set) set",
    "or", "(set, set) set",
    "internal.member_2", "(any, any) boolean",
    "internal.member_3", "(any, any, any) boolean",
    // numbers
    "abs", "(number) number",
    "ceil", "(number) number",
    "floor", "(number) number",
    "round", "(number) number",
    "format_int", "(number, number) string",
    "numbers.range", "(number, number) array[number]",
    "numbers.range_step", "(number, number, number) array[number]",
    "rand.intn", "(string, number) number",
    "to_number", "(null | boolean | number | string) number",
    "units.parse", "(string) number",
    "units.parse_bytes", "(string) number",
    "bits.and", "(number, number) number",
    "bits.or", "(number, number) number",
    "bits.xor", "(number, number) number",
    "bits.negate", "(number) number",
    "bits.lsh", "(number, number) number",
    "bits.rsh", "(number, number) number",
    // aggregates
    "count", "(string | array | object | set) number",
    "sum", "(array[number] | set[number]) number",
    "product", "(array[number] | set[number]) number",
    "max", "(array | set) any",
    "min", "(array | set) any",
    "sort", "(array | set) array",
    "all", "(array | set) boolean",
    "any", "(array | set) boolean",
    // arrays, sets, objects
    "array.concat", "(array, array) array",
    "array.flatten", "(array) array",
    "array.reverse", "(array) array",
    "array.slice", "(array, number, number) array",
    "intersection", "(set[set]) set",
    "union", "(set[set]) set",
    "set_diff", "(set, set) set",
    "object.filter", "(object, array | set | object) object",
    "object.get", "(object, any, any) any",
    "object.keys", "(object) set",
    "object.remove", "(object, array | set | object) object",
    "object.subset", "(object | array | set, object | array | set) boolean",
    "object.union", "(object, object) object",
    "object.union_n", "(array[object]) object",
    "json.filter", "(object, array | set) any",
    "json.remove", "(object, array | set) any",
    "json.patch", "(any, array[object]) any",
    "graph.reachable", "(object, array | set) set",
    "graph.reachable_paths", "(object, array | set) set[array]",
    "walk", "(any) [array, any]",
    // strings
    "concat", "(string, array[string] | set[string]) string",
    "contains", "(string, string) boolean",
    "startswith", "(string, string) boolean",
    "endswith", "(string, string) boolean",
    "indexof", "(string, string) number",
    "indexof_n", "(string, string) array[number]",
    "lower", "(string) string",
    "upper", "(string) string",
    "replace", "(string, string, string) string",
    "split", "(string, string) array[string]",
    "sprintf", "(string, array) string",
    "substring", "(string, number, number) string",
    "trim", "(string, string) string",
    "trim_left", "(string, string) string",
    "trim_right", "(string, string) string",
    "trim_prefix", "(string, string) string",
    "trim_suffix", "(string, string) string",
    "trim_space", "(string) string",
    "strings.any_prefix_match", "(string | array[string] | set[string], string | array[string] | set[string]) boolean",
    "strings.any_suffix_match", "(string | array[string] | set[string], string | array[string] | set[string]) boolean",
    "strings.count", "(string, string) number",
    "strings.render_template", "(string, object) string",
    "strings.replace_n", "(object[string: string], string) string",
    "strings.reverse", "(string) string",
    "strings.split_n", "(string, string, number) array[string]",
    // regular expressions and globs
    "re_match", "(string, string) boolean",
    "regex.match", "(string, string) boolean",
    "regex.is_valid", "(any) boolean",
    "regex.find_n", "(string, string, number) array[string]",
    "regex.find_all_string_submatch_n", "(string, string, number) array[array[string]]",
    "regex.globs_match", "(string, string) boolean",
    "regex.replace", "(string, string, string) string",
    "regex.split", "(string, string) array[string]",
    "regex.template_match", "(string, string, string, string) boolean",
    "glob.match", "(string, array[string] | null, string) boolean",
    "glob.quote_meta", "(string) string",
    // types
    "is_number", "(any) boolean",
    "is_string", "(any) boolean",
    "is_boolean", "(any) boolean",
    "is_array", "(any) boolean",
    "is_set", "(any) boolean",
    "is_object", "(any) boolean",
    "is_null", "(any) boolean",
    "type_name", "(any) string",
    "cast_array", "(any) array",
    "cast_set", "(any) set",
    "cast_string", "(any) string",
    "cast_boolean", "(any) boolean",
    "cast_null", "(any) null",
    "cast_object", "(any) object",
    // encodings
    "base64.encode", "(string) string",
    "base64.decode", "(string) string",
    "base64.is_valid", "(string) boolean",
    "base64url.encode", "(string) string",
    "base64url.encode_no_pad", "(string) string",
    "base64url.decode", "(string) string",
    "hex.encode", "(string) string",
    "hex.decode", "(string) string",
    "json.marshal", "(any) string",
    "json.marshal_with_options", "(any, object) string",
    "json.unmarshal", "(string) any",
    "json.is_valid", "(string) boolean",
    "json.match_schema", "(any, any) [boolean, array]",
    "json.verify_schema", "(string | object) [boolean, any]",
    "yaml.marshal", "(any) string",
    "yaml.unmarshal", "(string) any",
    "yaml.is_valid", "(string) boolean",
    "urlquery.encode", "(string) string",
    "urlquery.decode", "(string) string",
    "urlquery.encode_object", "(object[string: string | array[string] | set[string]]) string",
    "urlquery.decode_object", "(string) object[string: array[string]]",
    // crypto and tokens
    "crypto.md5", "(string) string",
    "crypto.sha1", "(string) string",
    "crypto.sha256", "(string) string",
    "crypto.hmac.md5", "(string, string) string",
    "crypto.hmac.sha1", "(string, string) string",
    "crypto.hmac.sha256", "(string, string) string",
    "crypto.hmac.sha512", "(string, string) string",
    "crypto.hmac.equal", "(string, string) boolean",
    "crypto.parse_private_keys", "(string) array[object]",
    "crypto.x509.parse_certificates", "(string) array[object]",
    "crypto.x509.parse_and_verify_certificates", "(string) [boolean, array[object]]",
    "crypto.x509.parse_and_verify_certificates_with_options", "(string, object) [boolean, array[object]]",
    "crypto.x509.parse_certificate_request", "(string) object",
    "crypto.x509.parse_keypair", "(string, string) object",
    "crypto.x509.parse_rsa_private_key", "(string) object",
    "io.jwt.decode", "(string) [any, any, string]",
    "io.jwt.decode_verify", "(string, object) [boolean, any, any]",
    "io.jwt.encode_sign", "(object, object, object) string",
    "io.jwt.encode_sign_raw", "(string, string, string) string",
    "io.jwt.verify_eddsa", "(string, string) boolean",
    "io.jwt.verify_es256", "(string, string) boolean",
    "io.jwt.verify_es384", "(string, string) boolean",
    "io.jwt.verify_es512", "(string, string) boolean",
    "io.jwt.verify_hs256", "(string, string) boolean",
    "io.jwt.verify_hs384", "(string, string) boolean",
    "io.jwt.verify_hs512", "(string, string) boolean",
    "io.jwt.verify_ps256", "(string, string) boolean",
    "io.jwt.verify_ps384", "(string, string) boolean",
    "io.jwt.verify_ps512", "(string, string) boolean",
    "io.jwt.verify_rs256", "(string, string) boolean",
    "io.jwt.verify_rs384", "(string, string) boolean",
    "io.jwt.verify_rs512", "(string, string) boolean",
    // networks
    "net.cidr_contains", "(string, string) boolean",
    "net.cidr_contains_matches", "(string | array | set | object, string | array | set | object) set[[any, any]]",
    "net.cidr_expand", "(string) set[string]",
    "net.cidr_intersects", "(string, string) boolean",
    "net.cidr_is_valid", "(string) boolean",
    "net.cidr_merge", "(array[string] | set[string]) set[string]",
    "net.cidr_overlap", "(string, string) boolean",
    "net.lookup_ip_addr", "(string) set[string]",
    "http.send", "(object) object",
    // time
    "time.now_ns", "() number",
    "time.parse_ns", "(string, string) number",
    "time.parse_rfc3339_ns", "(string) number",
    "time.parse_duration_ns", "(string) number",
    "time.format", "(number | [number, string] | [number, string, string]) string",
    "time.date", "(number | [number, string]) [number, number, number]",
    "time.clock", "(number | [number, string]) [number, number, number]",
    "time.weekday", "(number | [number, string]) string",
    "time.add_date", "(number, number, number, number) number",
    "time.diff", "(number | [number, string], number | [number, string]) [number, number, number, number, number, number]",
    // misc
    "semver.compare", "(string, string) number",
    "semver.is_valid", "(any) boolean",
    "uuid.rfc4122", "(string) string",
    "uuid.parse", "(string) object",
    "graphql.parse_query", "(string) object",
    "graphql.parse_schema", "(string) object",
    "opa.runtime", "() object",
    "trace", "(string) boolean",
  };

  private static final Map<String, Signature> TABLE = parseAll();

  private BuiltinTypes() {}

  /** The declared signature of a built-in, or null when it has none (operands then go unchecked). */
  static Signature of(String name) {
    return TABLE.get(name);
  }

  static java.util.Set<String> declared() {
    return TABLE.keySet();
  }

  private static Map<String, Signature> parseAll() {
    Map<String, Signature> out = new HashMap<>();
    for (int i = 0; i < DECLARATIONS.length; i += 2) {
      out.put(DECLARATIONS[i], signature(DECLARATIONS[i + 1]));
    }
    return Map.copyOf(out);
  }

  /** Parses {@code (T, ...) R}. */
  static Signature signature(String text) {
    TypeReader r = new TypeReader(text);
    r.expect('(');
    List<RegoType> args = new ArrayList<>();
    if (!r.peek(')')) {
      do {
        args.add(r.union());
      } while (r.accept(','));
    }
    r.expect(')');
    RegoType result = r.union();
    r.end();
    return new Signature(List.copyOf(args), result);
  }

  /** Parses one type in the notation above. */
  static RegoType type(String text) {
    TypeReader r = new TypeReader(text);
    RegoType t = r.union();
    r.end();
    return t;
  }

  private static final class TypeReader {
    private final String s;
    private int pos;

    TypeReader(String s) {
      this.s = s;
    }

    private void skip() {
      while (pos < s.length() && s.charAt(pos) == ' ') {
        pos++;
      }
    }

    boolean peek(char c) {
      skip();
      return pos < s.length() && s.charAt(pos) == c;
    }

    boolean accept(char c) {
      if (peek(c)) {
        pos++;
        return true;
      }
      return false;
    }

    void expect(char c) {
      if (!accept(c)) {
        throw new IllegalArgumentException("expected '" + c + "' at " + pos + " in " + s);
      }
    }

    void end() {
      skip();
      if (pos != s.length()) {
        throw new IllegalArgumentException("unexpected text at " + pos + " in " + s);
      }
    }

    RegoType union() {
      RegoType t = one();
      while (accept('|')) {
        t = RegoType.union(t, one());
      }
      return t;
    }

    private RegoType one() {
      if (accept('[')) {
        List<RegoType> items = new ArrayList<>();
        do {
          items.add(union());
        } while (accept(','));
        expect(']');
        return new RegoType.Array(List.copyOf(items), null);
      }
      skip();
      int start = pos;
      while (pos < s.length() && (Character.isLetter(s.charAt(pos)))) {
        pos++;
      }
      String word = s.substring(start, pos);
      return switch (word) {
        case "any" -> RegoType.ANY;
        case "string" -> RegoType.STRING;
        case "number" -> RegoType.NUMBER;
        case "boolean" -> RegoType.BOOLEAN;
        case "null" -> RegoType.NULL;
        case "array" -> RegoType.Array.of(element());
        case "set" -> new RegoType.Set(element());
        case "object" -> {
          if (accept('[')) {
            RegoType k = union();
            expect(':');
            RegoType v = union();
            expect(']');
            yield RegoType.Object.of(k, v);
          }
          yield RegoType.Object.of(RegoType.ANY, RegoType.ANY);
        }
        default -> throw new IllegalArgumentException("unknown type '" + word + "' in " + s);
      };
    }

    private RegoType element() {
      if (accept('[')) {
        RegoType t = union();
        expect(']');
        return t;
      }
      return RegoType.ANY;
    }
  }
}
