package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.BuiltinCases.ok;
import static dev.tollgate.rego.builtins.BuiltinCases.typeError;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TypesTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        ok("is_number", "true", "-42.0"),
        ok("is_number", "false", "false"),
        ok("is_string", "true", "\"OPA\""),
        ok("is_string", "false", "null"),
        ok("is_boolean", "true", "false"),
        ok("is_boolean", "false", "\"true\""),
        ok("is_array", "true", "[]"),
        ok("is_array", "false", "{\"$set\": []}"),
        ok("is_set", "true", "{\"$set\": [1]}"),
        ok("is_set", "false", "[1]"),
        ok("is_object", "true", "{}"),
        ok("is_object", "false", "\"foo\""),
        ok("is_null", "true", "null"),
        ok("is_null", "false", "true"),
        ok("type_name", "\"null\"", "null"),
        ok("type_name", "\"boolean\"", "true"),
        ok("type_name", "\"number\"", "100"),
        ok("type_name", "\"string\"", "\"x\""),
        ok("type_name", "\"array\"", "[1]"),
        ok("type_name", "\"object\"", "{}"),
        ok("type_name", "\"set\"", "{\"$set\": []}"),
        ok("cast_array", "[1, 2, 3]", "{\"$set\": [3, 2, 1]}"),
        ok("cast_array", "[3, 1]", "[3, 1]"),
        typeError("cast_array", "operand 1 must be one of {array, set} but got string", "\"hello\""),
        ok("cast_set", "{\"$set\": [1]}", "[1, 1, 1]"),
        typeError("cast_set", "operand 1 must be one of {array, set} but got string", "\"hello\""),
        ok("cast_object", "{}", "{}"),
        typeError("cast_object", "operand 1 must be object but got array", "[1]"),
        ok("cast_string", "\"a\"", "\"a\""),
        typeError("cast_string", "operand 1 must be string but got array", "[1]"),
        ok("cast_boolean", "true", "true"),
        typeError("cast_boolean", "operand 1 must be boolean but got number", "1"),
        ok("cast_null", "null", "null"),
        typeError("cast_null", "operand 1 must be null but got number", "1"));
  }

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @MethodSource("cases")
  void builtin(String name, List<String> args, BuiltinCases.Outcome outcome, String expected) throws Exception {
    BuiltinCases.check(name, args, outcome, expected);
  }
}
