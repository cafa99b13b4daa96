package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.BuiltinCases.ok;
import static dev.tollgate.rego.builtins.BuiltinCases.typeError;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ObjectBuiltinsTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        ok("object.get", "\"c\"", "{\"a\": \"b\"}", "\"c\"", "\"c\""),
        ok("object.get", "\"b\"", "{\"a\": \"b\"}", "\"a\"", "\"c\""),
        ok("object.get", "2", "{\"$obj\": [[1, 2]]}", "1", "3"),
        ok("object.get", "{\"a\": 1}", "{\"a\": 1}", "[]", "2"),
        ok("object.get", "1", "{\"a\": {\"b\": {\"c\": 1}}}", "[\"a\", \"b\", \"c\"]", "2"),
        ok("object.get", "2", "{\"a\": {\"b\": {\"c\": 1}}}", "[\"a\", \"b\", \"a\"]", "2"),
        ok("object.get", "1", "{\"$obj\": [[1, {\"b\": {\"$obj\": [[[1, 2, 3], 1]]}}]]}", "[1, \"b\", [1, 2, 3]]", "2"),
        ok("object.get", "2", "{\"a\": {\"b\": [1, 2, 3]}}", "[\"a\", \"b\", \"a\"]", "2"),
        ok("object.get", "1", "{\"a\": {\"b\": [{\"c\": 1}]}}", "[\"a\", \"b\", 0, \"c\"]", "2"),
        ok("object.get", "\"x\"", "{\"a\": {\"$set\": [\"x\"]}}", "[\"a\", \"x\"]", "2"),
        typeError("object.get", "operand 1 must be object but got string", "\"object\"", "[\"a\"]", "2"),
        ok("object.keys", "{\"$set\": [\"a\", \"b\"]}", "{\"a\": 1, \"b\": 2}"),
        ok("object.remove", "{\"b\": {\"c\": 3}}", "{\"a\": 1, \"b\": {\"c\": 3}}", "{\"$set\": [\"a\"]}"),
        ok("object.remove", "{\"a\": 1}", "{\"a\": 1, \"b\": {\"c\": 3}, \"d\": 4}", "[\"d\", \"b\"]"),
        ok("object.remove", "{\"a\": 1}", "{\"a\": 1, \"b\": {\"c\": 3}, \"d\": 4}", "{\"b\": 1, \"d\": \"\"}"),
        ok("object.remove", "{\"a\": 1}", "{\"a\": 1}", "[\"z\"]"),
        ok("object.remove", "{\"a\": 1}", "{\"a\": 1, \"$obj\": 2}", "[\"$obj\"]"),
        typeError("object.remove", "operand 1 must be object but got boolean", "false", "[\"a\"]"),
        typeError("object.remove", "operand 2 must be one of {object, set, array} but got null", "{}", "null"),
        ok("object.filter", "{\"a\": 1, \"e\": 9}", "{\"a\": 1, \"b\": 2, \"c\": 3, \"e\": 9}", "{\"$set\": [\"a\", \"e\"]}"),
        ok("object.filter", "{\"a\": 1, \"e\": 9}", "{\"a\": 1, \"b\": 2, \"c\": 3, \"e\": 9}", "{\"a\": \"foo\", \"e\": \"\"}"),
        ok("object.filter", "{}", "{\"a\": 7}", "[]"),
        ok("object.filter", "{\"$obj\": [[[[7]], 2]]}", "{\"$obj\": [[\"a\", 1], [[[7]], 2]]}", "{\"$set\": [[[7]]]}"),
        typeError("object.filter", "operand 2 must be one of {object, set, array} but got string", "{}", "\"a\""),
        ok("object.union", "{\"a\": 1, \"b\": 2}", "{\"a\": 1}", "{\"b\": 2}"),
        ok("object.union", "{\"a\": {\"b\": {\"c\": 1}}, \"d\": 7}", "{\"a\": 1}", "{\"a\": {\"b\": {\"c\": 1}}, \"d\": 7}"),
        ok("object.union", "{\"a\": {\"b\": \"foo\", \"b1\": \"bar\"}, \"d\": 7, \"e\": 17}",
            "{\"a\": {\"b\": {\"c\": 1}}, \"e\": 1}", "{\"a\": {\"b\": \"foo\", \"b1\": \"bar\"}, \"d\": 7, \"e\": 17}"),
        ok("object.union", "{\"a\": {\"x\": 1, \"y\": 2}}", "{\"a\": {\"x\": 1}}", "{\"a\": {\"y\": 2}}"),
        typeError("object.union", "operand 2 must be object but got array", "{}", "[1]"),
        ok("object.union_n", "{}", "[]"),
        ok("object.union_n", "{\"foo\": \"baz\"}", "[{\"foo\": \"bar\"}, {\"foo\": \"baz\"}]"),
        ok("object.union_n", "{\"a\": {\"c\": 3}}", "[{\"a\": {\"b\": 2}}, {\"a\": 4}, {\"a\": {\"c\": 3}}]"),
        ok("object.union_n", "{\"a\": \"final A!\", \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5, \"foo\": \"baz\"}",
            "[{\"a\": 1, \"b\": 2, \"c\": 3}, {\"foo\": \"baz\", \"a\": \"a\", \"b\": 2, \"d\": 4}, {\"a\": \"final A!\", \"e\": 5.0}]"),
        typeError("object.union_n", "operand 1 must be array of objects but got array containing number", "[{}, 1]"),
        ok("object.subset", "true", "{\"a\": 5, \"b\": 7, \"c\": 15}", "{\"a\": 5}"),
        ok("object.subset", "false", "{\"a\": 5}", "{\"a\": 5, \"b\": 7}"),
        ok("object.subset", "true", "{\"n\": {\"x\": 1, \"s\": {\"$set\": [1, 2, 3]}, \"a\": [6, 7, 8]}}",
            "{\"n\": {\"s\": {\"$set\": [1]}, \"a\": [7, 8]}}"),
        ok("object.subset", "false", "{\"$set\": [1, {\"$set\": [\"a\", \"b\"]}]}", "{\"$set\": [{\"$set\": [\"a\"]}]}"),
        ok("object.subset", "true", "[1, 2, 3, 4, 5, 6]", "[3, 4, 5]"),
        ok("object.subset", "false", "[1, 2, 3, 4, 5, 6]", "[3, 5]"),
        ok("object.subset", "true", "[1, 2, 3]", "{\"$set\": [3, 1]}"),
        ok("object.subset", "false", "[1, 2, 3]", "{\"$set\": [3, 9]}"),
        typeError("object.subset", "both arguments object.subset must be of the same type or array and set",
            "{\"$set\": [1]}", "[1]"));
  }

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @MethodSource("cases")
  void builtin(String name, List<String> args, BuiltinCases.Outcome outcome, String expected) throws Exception {
    BuiltinCases.check(name, args, outcome, expected);
  }
}
