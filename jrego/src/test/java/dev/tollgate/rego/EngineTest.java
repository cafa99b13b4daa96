package dev.tollgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Language features end to end: module text, query {@code data.t.p}, expected JSON value. */
class EngineTest {
  private static Value eval(RegoSyntax syntax, String module, String input) {
    CompiledPolicy p = Rego.compiler().syntax(syntax).module("t.rego", module).compile();
    return p.evaluateRule("data.t.p", input == null ? null : Json.parse(input));
  }

  static Stream<Arguments> v1Cases() {
    return Stream.of(
        Arguments.of("complete", "p := 1", null, "1"),
        Arguments.of("default", "default p := 0\np := 1 if input.x", "{}", "0"),
        Arguments.of("else", "p := 1 if input.x == 1\nelse := 2 if input.x == 2\nelse := 3", "{\"x\":2}", "2"),
        Arguments.of("partial set", "p contains x if some x in [3, 1, 2]", null, "[1,2,3]"),
        Arguments.of("partial object", "p[k] := v if some k, v in {\"a\": 1, \"b\": 2}", null, "{\"a\":1,\"b\":2}"),
        Arguments.of("ref head", "p.a.b := 1\np.a.c := 2", null, "{\"a\":{\"b\":1,\"c\":2}}"),
        Arguments.of("ref head vars", "p[x].y := x if some x in [\"m\", \"n\"]", null,
            "{\"m\":{\"y\":\"m\"},\"n\":{\"y\":\"n\"}}"),
        Arguments.of("function", "f(x) := x * 2\np := f(21)", null, "42"),
        Arguments.of("function defs", "f(1) := \"one\"\nf(2) := \"two\"\np := [f(1), f(2)]", null, "[\"one\",\"two\"]"),
        Arguments.of("every", "p if every x in [1, 2] { x > 0 }", null, "true"),
        Arguments.of("every fails", "default p := false\np if every x in [1, -2] { x > 0 }", null, "false"),
        Arguments.of("not", "p if not input.deny", "{}", "true"),
        Arguments.of("array comprehension", "p := [x * x | some x in [1, 2, 3]]", null, "[1,4,9]"),
        Arguments.of("set comprehension", "p := {x | some x in [1, 1, 2]}", null, "[1,2]"),
        Arguments.of("object comprehension", "p := {k: true | some k in [\"a\"]}", null, "{\"a\":true}"),
        Arguments.of("unification", "p := [a, b] if [a, 2] = [1, b]", null, "[1,2]"),
        Arguments.of("object unification", "p := x if {\"k\": x} = {\"k\": 5}", null, "5"),
        Arguments.of("reordering", "p := y if {\n  y := x + 1\n  x = 1\n}", null, "2"),
        Arguments.of("membership", "p := [1 in [1, 2], 3 in {4}, \"a\", \"v\" in {\"a\": \"v\"}]", null,
            "[true,false,\"a\",true]"),
        Arguments.of("set operators", "p := [({1, 2} | {3}), {1, 2} & {2}, {1, 2} - {1}]", null, "[[1,2,3],[2],[2]]"),
        Arguments.of("arithmetic", "p := [1 + 2 * 3, 7 / 2, 7 % 3, -4, abs(-2), round(2.5), ceil(1.2), floor(-1.2)]",
            null, "[7,3.5,1,-4,2,3,2,-2]"),
        Arguments.of("big integers", "p := 9223372036854775807 + 1", null, "9223372036854775808"),
        Arguments.of("raw string", "p := `a\\b`", null, "\"a\\\\b\""),
        Arguments.of("with input", "q if input.x == 1\np if q with input.x as 1", "{}", "true"),
        Arguments.of("with data", "q := data.cfg.v\np := x if x := q with data.cfg.v as 7", null, "7"),
        Arguments.of("with function mock", "f(x) := x\ng(x) := 0\np := x if x := f(5) with f as g", null, "0"),
        Arguments.of("undefined", "p if false", null, null),
        Arguments.of("iteration over rules", "s.a := 1\ns.b := 2\np := {k | data.t.s[k] = 2}", null, "[\"b\"]"),
        Arguments.of("self reference is recursion-free through other rules", "s.a := 1\np := count_s\ncount_s := [k | data.t.s[k]]", null, "[\"a\"]"),
        Arguments.of("some declaration", "p contains x if {\n  some x\n  [1, 2][_] = x\n}", null, "[1,2]"),
        Arguments.of("input ref iteration", "p contains h if input.headers[h] == \"yes\"",
            "{\"headers\":{\"a\":\"yes\",\"b\":\"no\"}}", "[\"a\"]"),
        Arguments.of("comparison across types", "p := [null < false, 1 < \"a\", [1] < {}, {} < set()]", null,
            "[true,true,true,true]"),
        Arguments.of("rego.v1 import", "import rego.v1\np if true", null, "true"),
        Arguments.of("import alias", "import data.t.q as r\nq := 3\np := r", null, "3"),
        Arguments.of("if without braces", "p := x if x := 5", null, "5"),
        Arguments.of("ref head rules and children merge", "p.q[x] := 1 if some x in [\"a\"]\np.q.r := 2", null,
            "{\"q\":{\"a\":1,\"r\":2}}"),
        Arguments.of("set membership through a rule", "s contains x if some x in [1, 2]\np := [data.t.s[2], s[1]]", null, "[2,1]"),
        Arguments.of("missing set member is undefined", "s contains x if some x in [1, 2]\ndefault p := \"no\"\np := \"yes\" if s[3]", null, "\"no\""),
        Arguments.of("object rule lookup", "o[k] := v if some k, v in {\"a\": 1, \"b\": 2}\np := [o.b, data.t.o.a]", null, "[2,1]"),
        Arguments.of("with replaces a rule", "q := 1\nr := q + 1\np := x if x := r with data.t.q as 10", null, "11"),
        Arguments.of("with on input inside function", "f(x) := input.k + x\np := y if y := f(1) with input.k as 41", null, "42"),
        Arguments.of("else with function", "f(x) := \"neg\" if x < 0\nelse := \"pos\"\np := [f(-1), f(1)]", null, "[\"neg\",\"pos\"]"),
        Arguments.of("nested comprehension closure", "p := [[x, y] | some x in [1, 2]; y := [z | some z in [1, 2, 3]; z > x]]", null,
            "[[1,[2,3]],[2,[3]]]"),
        Arguments.of("every with key", "p if every k, v in {\"a\": 1} { k == \"a\"; v == 1 }", null, "true"),
        Arguments.of("indexed partial set", String.join("\n",
            "p contains \"get\" if input.m == \"GET\"",
            "p contains \"post\" if input.m == \"POST\"",
            "p contains \"put\" if input.m == \"PUT\"",
            "p contains \"any\" if input.x",
            "p contains \"del\" if { input.m == \"DELETE\"; input.x }"),
            "{\"m\":\"GET\",\"x\":true}", "[\"any\",\"get\"]"),
        Arguments.of("indexed complete rules, reference undefined", String.join("\n",
            "default p := \"none\"",
            "p := \"g\" if input.m == \"GET\"",
            "p := \"p\" if input.m == \"POST\"",
            "p := \"u\" if input.m == \"PUT\"",
            "p := \"x\" if { not input.m; input.x }"),
            "{\"x\":true}", "\"x\""),
        Arguments.of("indexed complete rules, no match", String.join("\n",
            "default p := \"none\"",
            "p := \"g\" if input.m == \"GET\"",
            "p := \"p\" if input.m == \"POST\"",
            "p := \"u\" if input.m == \"PUT\"",
            "p := \"d\" if \"DELETE\" == input.m"),
            "{\"m\":\"PATCH\"}", "\"none\""),
        Arguments.of("indexed membership tests", String.join("\n",
            "p contains \"read\" if input.m in {\"GET\", \"HEAD\"}",
            "p contains \"write\" if input.m in [\"POST\", \"PUT\"]",
            "p contains \"get\" if input.m == \"GET\"",
            "p contains \"del\" if input.m == \"DELETE\"",
            "p contains \"any\" if input.m"),
            "{\"m\":\"HEAD\"}", "[\"any\",\"read\"]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("v1Cases")
  void evaluatesV1(String name, String rules, String input, String want) {
    Value got = eval(RegoSyntax.V1, "package t\n" + rules + "\n", input);
    if (want == null) {
      assertNull(got);
    } else {
      assertEquals(Json.parse(want).toJson(), got.toJson());
    }
  }

  static Stream<Arguments> v0Cases() {
    return Stream.of(
        Arguments.of("v0 complete", "p { true }", "true"),
        Arguments.of("v0 partial set", "p[x] { x := [1, 2][_] }", "[1,2]"),
        Arguments.of("v0 partial object", "p[k] = v { v := {\"a\": 1}[k] }", "{\"a\":1}"),
        Arguments.of("v0 value", "p = x { x := 3 }", "3"),
        Arguments.of("v0 keyword names", "contains := 1\nin := 2\np := contains + in", "3"),
        Arguments.of("v0 future keywords", "import future.keywords.in\np { 1 in [1] }", "true"),
        Arguments.of("v0 rego.v1", "import rego.v1\np contains 1 if true", "[1]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("v0Cases")
  void evaluatesV0(String name, String rules, String want) {
    Value got = eval(RegoSyntax.V0, "package t\n" + rules + "\n", null);
    assertEquals(Json.parse(want).toJson(), got.toJson());
  }

  static Stream<Arguments> compileErrors() {
    return Stream.of(
        Arguments.of("p if { x > 1 }", "rego_unsafe_var_error", "var x is unsafe"),
        Arguments.of("p := y", "rego_unsafe_var_error", "var y is unsafe"),
        Arguments.of("p if { nosuch(1) }", "rego_type_error", "undefined function nosuch"),
        Arguments.of("p := abs(1, 2, 3)", "rego_type_error", "abs"),
        Arguments.of("p if q\nq if p", "rego_recursion_error", "is recursive"),
        Arguments.of("p { true }", "rego_parse_error", "`if` keyword is required"),
        Arguments.of("p if {", "rego_parse_error", "eof"),
        Arguments.of("p := \"unterminated", "rego_parse_error", "non-terminated string"),
        Arguments.of("p := 1\np contains 2", "rego_type_error", "conflicting rules"),
        Arguments.of("p if { x := 1; x := 2 }", "rego_compile_error", "var x assigned above"),
        Arguments.of("default p := 1\ndefault p := 2", "rego_type_error", "multiple default rules"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("compileErrors")
  void reportsCompileErrors(String rules, String code, String message) {
    RegoCompileException e = assertThrows(RegoCompileException.class,
        () -> Rego.compiler().module("t.rego", "package t\n" + rules + "\n").compile());
    assertTrue(e.errors().stream().anyMatch(x -> x.code().equals(code) && x.message().contains(message)),
        () -> "got " + e.errors());
    assertTrue(e.errors().get(0).location().startsWith("t.rego:"), () -> "location of " + e.errors());
  }

  static Stream<Arguments> evalErrors() {
    return Stream.of(
        Arguments.of("p := 1\np := 2", "eval_conflict_error", "complete rules must not produce multiple outputs"),
        Arguments.of("f(x) := 1\nf(x) := 2\np := f(0)", "eval_conflict_error", "functions must not produce multiple outputs"),
        Arguments.of("p[k] := v if { some k in [\"a\", \"a\"]; some v in [1, 2] }", "eval_conflict_error", "object keys must be unique"),
        Arguments.of("p := 1 + x if x := json.unmarshal(`\"a\"`)", "eval_type_error", "plus: operand 2 must be number but got string"),
        Arguments.of("p := {1} - 1", "eval_type_error", "minus: operand 2 must be set but got number"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("evalErrors")
  void reportsEvalErrors(String rules, String code, String message) {
    CompiledPolicy p = Rego.compiler().module("t.rego", "package t\n" + rules + "\n").compile();
    RegoEvalException e = assertThrows(RegoEvalException.class, () -> p.evaluateRule("data.t.p", (Value) null));
    assertEquals(code, e.code());
    assertTrue(e.getMessage().contains(message), e::getMessage);
  }

  @Test
  void builtinFailuresAreUndefinedUnlessStrict() {
    CompiledPolicy p = Rego.compiler().module("t.rego", "package t\np := 1 / 0\n").compile();
    assertNull(p.evaluateRule("data.t.p", (Value) null));
    RegoEvalException e = assertThrows(RegoEvalException.class,
        () -> p.evaluateRule("data.t.p", EvalOptions.DEFAULT.withStrictBuiltinErrors(true)));
    assertEquals("eval_builtin_error", e.code());
    assertTrue(e.getMessage().contains("div: divide by zero"));
  }

  @Test
  void queriesBindVariables() {
    CompiledPolicy p = Rego.compiler().module("t.rego", "package t\nxs := [1, 2, 3]\n").compile();
    List<Map<String, Value>> rows = p.prepare("some i; x := data.t.xs[i]; x > 1").eval((Value) null);
    List<String> got = new ArrayList<>();
    for (Map<String, Value> r : rows) {
      got.add(r.get("i") + "=" + r.get("x"));
    }
    assertEquals(List.of("1=2", "2=3"), got);
    assertEquals(List.of(Map.of()), p.prepare("data.t.xs[0] == 1").eval((Value) null));
    assertEquals(List.of(), p.prepare("data.t.xs[0] == 2").eval((Value) null));
  }

  @Test
  void printGoesToTheSink() {
    CompiledPolicy p = Rego.compiler().module("t.rego", "package t\np if print(\"hello\", input.x, input.nope, {1}, {\"a\": set()})\n").compile();
    List<String> lines = new ArrayList<>();
    Value v = p.evaluateRule("data.t.p", EvalOptions.input(Json.parse("{\"x\":[1]}")).withPrintSink(lines::add));
    assertEquals(Value.of(true), v);
    assertEquals(List.of("hello [1] <undefined> {1} {\"a\": set()}"), lines);
  }

  @Test
  void clockCanBeFixed() {
    CompiledPolicy p = Rego.compiler().module("t.rego", "package t\np := time.now_ns()\n").compile();
    assertEquals(Value.of(42), p.evaluateRule("data.t.p", EvalOptions.DEFAULT.withNowNanos(42L)));
  }

  @Test
  void limitsStopRunawayEvaluation() {
    CompiledPolicy p = Rego.compiler()
        .module("t.rego", "package t\np := count_all\ncount_all := [x | some a in numbers; some b in numbers; some c in numbers; x := [a, b, c]]\n"
            + "numbers := [n | some n in [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]]\n")
        .limits(new EvalLimits(1000, 50, 0))
        .compile();
    RegoEvalException e = assertThrows(RegoEvalException.class, () -> p.evaluateRule("data.t.p", (Value) null));
    assertEquals("eval_cancel_error", e.code());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "p := count(numbers.range(1, 100000000))",
      "p := count(numbers.range_step(0, 900000000, 3))",
      "p := count([x | walk(data.big, x)])",
      "p := count(graph.reachable_paths(data.graph, [\"a\"]))"})
  void limitsBindInsideExpensiveBuiltins(String rule) {
    // A binary tree of depth 16 (65535 nodes to walk) and a complete graph on 12 vertices (11! paths).
    Value big = Value.of(0);
    for (int i = 0; i < 16; i++) {
      big = dev.tollgate.rego.value.ArrayValue.of(big, big);
    }
    var graph = dev.tollgate.rego.value.ObjectValue.builder();
    String[] vertices = "a b c d e f g h i j k l".split(" ");
    for (String v : vertices) {
      graph.put(v, dev.tollgate.rego.value.ArrayValue.of(java.util.Arrays.stream(vertices)
          .filter(w -> !w.equals(v)).map(Value::of).toList()));
    }
    CompiledPolicy p = Rego.compiler()
        .module("t.rego", "package t\n" + rule + "\n")
        .data(dev.tollgate.rego.value.ObjectValue.builder().put("big", big).put("graph", graph.build()).build())
        .limits(new EvalLimits(10_000, 50, 0))
        .compile();
    RegoEvalException e = assertThrows(RegoEvalException.class, () -> p.evaluateRule("data.t.p", (Value) null));
    assertEquals("eval_cancel_error", e.code());
  }

  @Test
  void listsRulesForTestRunners() {
    CompiledPolicy p = Rego.compiler()
        .module("a.rego", "package a.b\ntest_one if true\nf(x) := x\nq.r := 1\n")
        .compile();
    List<String> got = p.rules().stream().map(r -> r.ref() + "@" + r.location() + (r.function() ? "()" : "")).toList();
    assertEquals(List.of("data.a.b.test_one@a.rego:2:1", "data.a.b.f@a.rego:3:1()", "data.a.b.q.r@a.rego:4:1"), got);
  }

  @Test
  void baseDataAndRulesShareTheTree() {
    CompiledPolicy p = Rego.compiler()
        .module("t.rego", "package t\nq := data.t.base + 1\n")
        .data(Json.parse("{\"t\":{\"base\":1}}"))
        .compile();
    Map<String, Value> want = new LinkedHashMap<>();
    assertEquals(Json.parse("{\"base\":1,\"q\":2}"), p.evaluateRule("data.t", (Value) null));
    assertEquals(Value.of(2), p.evaluateRule("t/q", (Value) null));
    assertTrue(want.isEmpty());
    assertEquals(ObjectValue.class, p.evaluateRule("data", (Value) null).getClass());
  }

  @Test
  void metadataAnnotationsAreVisibleToRules() {
    String module = String.join("\n",
        "# METADATA",
        "# title: Payments",
        "package t",
        "",
        "# METADATA",
        "# title: Allow rule",
        "# custom:",
        "#   severity: high",
        "p := [rego.metadata.rule(), rego.metadata.chain()]",
        "");
    Value got = Rego.compiler().module("t.rego", module).compile().evaluateRule("data.t.p", (Value) null);
    assertEquals(Json.parse("""
        [{"custom": {"severity": "high"}, "scope": "rule", "title": "Allow rule"},
         [{"path": ["data", "t", "p"], "annotations": {"custom": {"severity": "high"}, "scope": "rule", "title": "Allow rule"}},
          {"path": ["data", "t"], "annotations": {"scope": "package", "title": "Payments"}}]]
        """), got);
  }

  @Test
  void parseModuleGivesTheAst() {
    CompiledPolicy p = Rego.compiler().module("t.rego",
        "package t\np := m.rules[0].head.name if rego.parse_module(\"x.rego\", \"package a.b\\nallow if input.x\", m)\n").compile();
    assertEquals(Value.of("allow"), p.evaluateRule("data.t.p", (Value) null));
  }

  @Test
  void ruleIndexVisitsOnlyMatchingRules() {
    StringBuilder sb = new StringBuilder("package big\ndefault allow := false\n");
    for (int i = 0; i < 300; i++) {
      sb.append("allow if { input.path == \"/p").append(i)
          .append("\"; input.method == \"GET\"; some r in input.roles; r == \"role").append(i % 7).append("\" }\n");
    }
    // a step budget far below one step per rule: only an index that picks input.path fits in it
    CompiledPolicy p = Rego.compiler().module("big.rego", sb.toString()).limits(new EvalLimits(60, 50, 0)).compile();
    Value allowed = Json.parse("{\"path\":\"/p299\",\"method\":\"GET\",\"roles\":[\"x\",\"role5\"]}");
    Value denied = Json.parse("{\"path\":\"/p299\",\"method\":\"GET\",\"roles\":[\"role1\"]}");
    assertEquals(Value.of(true), p.evaluateRule("big/allow", allowed));
    assertEquals(Value.of(false), p.evaluateRule("big/allow", denied));
    assertEquals(Value.of(false), p.evaluateRule("big/allow", Json.parse("{\"path\":\"/nope\"}")));
  }

  @Test
  void inputTermsParseAsRego() {
    assertEquals(Json.parse("{\"a\":[1,2]}"), Rego.parseTerm("{\"a\": [1, 1 + 1]}"));
    assertEquals("[1,2]", Rego.parseTerm("{1, 2}").toJson());
    assertThrows(RegoCompileException.class, () -> Rego.parseTerm("{\"a\": "));
  }
}
