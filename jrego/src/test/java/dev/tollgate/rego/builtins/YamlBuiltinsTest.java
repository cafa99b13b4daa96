package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.BuiltinCases.failure;
import static dev.tollgate.rego.builtins.BuiltinCases.ok;
import static dev.tollgate.rego.builtins.BuiltinCases.str;
import static dev.tollgate.rego.builtins.BuiltinCases.typeError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class YamlBuiltinsTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        ok("yaml.unmarshal", "{\"foo\": [{\"qux\": \"bar\"}, {\"baz\": 2}]}", str("foo:\n - qux: bar\n - baz: 2")),
        ok("yaml.unmarshal", "{\"json\": \"ok\"}", str("{\"json\": \"ok\"}")),
        ok("yaml.unmarshal", "{\"a\": true, \"b\": false, \"c\": true, \"d\": null, \"e\": null}",
            str("a: yes\nb: off\nc: True\nd: ~\ne:")),
        ok("yaml.unmarshal", "{\"hex\": 31, \"oct\": 15, \"big\": 1000000, \"f\": 1500, \"s\": \"1:30\", \"t\": \"2001-12-14\"}",
            str("hex: 0x1F\noct: 017\nbig: 1_000_000\nf: 1.5e3\ns: 1:30\nt: 2001-12-14")),
        ok("yaml.unmarshal", "{\"q\": \"yes\", \"m\": \"12\"}", str("q: 'yes'\nm: \"12\"")),
        ok("yaml.unmarshal", "{\"false\": \"no\", \"true\": \"yes\"}", str("n: 'no'\ny: 'yes'")),
        ok("yaml.unmarshal", "{\"1\": \"one\", \"true\": \"t\"}", str("1: one\ntrue: t")),
        ok("yaml.unmarshal", "{\"a\": [1, 2], \"b\": [1, 2]}", str("a: &x [1, 2]\nb: *x")),
        ok("yaml.unmarshal", "{\"base\": {\"a\": 1, \"b\": 3}, \"m\": {\"a\": 1, \"b\": 2}}",
            str("base: &b {a: 1, b: 3}\nm:\n  <<: *b\n  b: 2")),
        ok("yaml.unmarshal", "{\"a\": 1}", str("a: 1\n---\nb: 2\n")),
        ok("yaml.unmarshal", "null", str("")),
        failure("yaml.unmarshal", "yaml: line 1: did not find expected ',' or ']'", str("[1,2,3")),
        failure("yaml.unmarshal", "unsupported value", str("a: .inf")),
        typeError("yaml.unmarshal", "operand 1 must be string but got number", "1"),
        ok("yaml.is_valid", "true", str("foo:\n - qux: bar\n - baz: 2")),
        ok("yaml.is_valid", "false", str("foo:\n - qux: bar\n - baz: {")),
        ok("yaml.is_valid", "false", str("  test:\ntest1: hello\n")),
        ok("yaml.is_valid", "false", str("a: 1\n---\n\tb: 2\n")),
        ok("yaml.is_valid", "true", str("a: 1\n---\nb: 2\n")),
        ok("yaml.is_valid", "false", "1"),
        ok("yaml.marshal", str("a:\n- 1\n- b: x\n  c: []\nb: {}\n"), "{\"b\": {}, \"a\": [1, {\"c\": [], \"b\": \"x\"}]}"),
        ok("yaml.marshal", str("- - 1\n  - 2\n- - 3\n"), "[[1, 2], [3]]"),
        ok("yaml.marshal", str("a2: 1\na10: 2\nb: 3\n"), "{\"a10\": 2, \"b\": 3, \"a2\": 1}"),
        ok("yaml.marshal", str("e: \"\"\n\"n\": \"123\"\nq: 'a: b'\nt: \"true\"\nx: plain text\n"),
            "{\"t\": \"true\", \"n\": \"123\", \"e\": \"\", \"q\": \"a: b\", \"x\": \"plain text\"}"),
        ok("yaml.marshal", str("k: |-\n  line1\n  line2\n"), "{\"k\": \"line1\\nline2\"}"),
        ok("yaml.marshal", str("null\n"), "null"),
        ok("yaml.marshal", str("- 1\n- 2\n"), "{\"$set\": [2, 1]}"));
  }

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @MethodSource("cases")
  void builtin(String name, List<String> args, BuiltinCases.Outcome outcome, String expected) throws Exception {
    BuiltinCases.check(name, args, outcome, expected);
  }

  /** What yaml.marshal writes, yaml.unmarshal reads back unchanged. */
  @ParameterizedTest
  @MethodSource("documents")
  void marshalRoundTrips(String json) throws Exception {
    var written = BuiltinCases.call("yaml.marshal", json);
    assertEquals(BuiltinCases.value(json), BuiltinCases.call("yaml.unmarshal", written.toString()));
  }

  static Stream<String> documents() {
    return Stream.of(
        "{\"a\": {\"b\": [1, 2, {\"c\": null}], \"d\": \"- dash\"}, \"e\": [[], {}]}",
        "{\"s\": \"# hash\", \"t\": \"x #y\", \"u\": \" lead\", \"v\": \"trail \", \"w\": \"1:30\"}",
        "{\"m\": \"two\\nlines\\n\", \"n\": \"  indented\\nblock\", \"o\": \"yes\", \"p\": \"0x10\", \"q\": \"1e3\"}",
        "[\"a\", \"[b]\", \"{c}\", \"'d'\", \"\\\"e\\\"\", \"f: g\", \"*h\", \"&i\", \"!j\", \"%k\", \"@l\", \"`m\"]",
        "{\"nested\": [[{\"x\": [1]}]], \"ctl\": \"bell\\u0007\", \"uni\": \"ünï ✓\"}");
  }
}
