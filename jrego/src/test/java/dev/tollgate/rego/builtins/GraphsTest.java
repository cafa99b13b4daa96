package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.BuiltinCases.ok;
import static dev.tollgate.rego.builtins.BuiltinCases.typeError;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GraphsTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        ok("walk", "[[[], [1, 2]], [[0], 1], [[1], 2]]", "[1, 2]"),
        ok("walk", "[[[], {\"v2\": \"b\", \"v1\": \"a\"}], [[\"v1\"], \"a\"], [[\"v2\"], \"b\"]]", "{\"v2\": \"b\", \"v1\": \"a\"}"),
        ok("walk", "[[[], {\"$set\": [{\"$set\": [1, 2]}]}], [[{\"$set\": [1, 2]}], {\"$set\": [1, 2]}],"
            + " [[{\"$set\": [1, 2]}, 1], 1], [[{\"$set\": [1, 2]}, 2], 2]]", "{\"$set\": [{\"$set\": [2, 1]}]}"),
        ok("walk", "[[[], \"x\"]]", "\"x\""),
        ok("walk", "[[[], {\"a\": [{\"b\": 1}]}], [[\"a\"], [{\"b\": 1}]], [[\"a\", 0], {\"b\": 1}], [[\"a\", 0, \"b\"], 1]]",
            "{\"a\": [{\"b\": 1}]}"),
        ok("graph.reachable", "{\"$set\": [\"a\", \"b\", \"c\"]}", "{\"a\": {\"$set\": [\"b\"]}, \"b\": {\"$set\": [\"c\"]}, \"c\": {\"$set\": [\"a\"]}}",
            "{\"$set\": [\"a\"]}"),
        ok("graph.reachable", "{\"$set\": [\"b\", \"d\", \"e\", \"f\"]}",
            "{\"a\": [\"b\", \"c\"], \"b\": [\"d\"], \"c\": [\"d\"], \"d\": [], \"e\": [\"f\"], \"f\": [\"e\"], \"x\": [\"x\"]}",
            "[\"b\", \"e\"]"),
        ok("graph.reachable", "{\"$set\": [\"a\"]}", "{\"a\": null}", "[\"a\"]"),
        ok("graph.reachable", "{\"$set\": []}", "{}", "[\"a\"]"),
        typeError("graph.reachable", "operand 1 must be object but got number", "1", "[1]"),
        typeError("graph.reachable", "operand 2 must be {array, set} but got string", "{\"a\": []}", "\"a\""),
        ok("graph.reachable_paths", "{\"$set\": []}", "{}", "{\"$set\": [\"a\"]}"),
        ok("graph.reachable_paths", "{\"$set\": [[\"a\", \"b\", \"c\"]]}",
            "{\"a\": {\"$set\": [\"b\"]}, \"b\": {\"$set\": [\"c\"]}, \"c\": {\"$set\": [\"a\"]}}", "{\"$set\": [\"a\"]}"),
        ok("graph.reachable_paths", "{\"$set\": [[\"b\", \"d\"], [\"e\", \"f\"]]}",
            "{\"a\": [\"b\", \"c\"], \"b\": [\"d\"], \"c\": [\"d\"], \"d\": [], \"e\": [\"f\"], \"f\": [\"e\"], \"x\": [\"x\"]}",
            "[\"b\", \"e\"]"),
        ok("graph.reachable_paths", "{\"$set\": [[\"a\"]]}", "{\"a\": null}", "[\"a\"]"),
        ok("graph.reachable_paths", "{\"$set\": [[\"a\", \"b\", \"c\"], [\"a\", \"c\"]]}",
            "{\"a\": [\"b\", \"c\"], \"b\": [\"c\"], \"c\": []}", "{\"$set\": [\"a\"]}"),
        ok("graph.reachable_paths", "{\"$set\": [[\"5\", \"4\", \"2\", \"1\"], [\"5\", \"4\", \"3\", \"2\", \"1\"]]}",
            "{\"1\": [], \"2\": [\"1\"], \"3\": [\"2\"], \"4\": [\"3\", \"2\"], \"5\": [\"4\"]}", "[\"5\"]"),
        ok("graph.reachable_paths", "{\"$set\": [[\"a\", \"b\"], [\"b\"]]}", "{\"a\": [\"b\"], \"b\": [\"nonexistent\"]}",
            "{\"$set\": [\"a\", \"b\"]}"),
        typeError("graph.reachable_paths", "operand 1 must be object but got number", "1", "[1]"),
        typeError("graph.reachable_paths", "operand 2 must be {array, set} but got string", "{\"a\": []}", "\"a\""));
  }

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @MethodSource("cases")
  void builtin(String name, List<String> args, BuiltinCases.Outcome outcome, String expected) throws Exception {
    BuiltinCases.check(name, args, outcome, expected);
  }

  @Test
  void walkIsDeclaredAsRelation() {
    assertTrue(BuiltinRegistry.standard().get("walk").relation());
  }
}
