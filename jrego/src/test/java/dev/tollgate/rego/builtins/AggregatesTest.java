package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.BuiltinCases.failure;
import static dev.tollgate.rego.builtins.BuiltinCases.ok;
import static dev.tollgate.rego.builtins.BuiltinCases.typeError;
import static dev.tollgate.rego.builtins.BuiltinCases.undefined;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AggregatesTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        ok("count", "4", "[1, 2, 3, 4]"),
        ok("count", "2", "{\"a\": 1, \"b\": 2}"),
        ok("count", "3", "{\"$set\": [1, 2, 3]}"),
        ok("count", "3", "\"åäö\""),
        ok("count", "1", "\"\\ud83d\\ude00\""),
        typeError("count", "operand 1 must be one of {array, object, set, string} but got null", "null"),
        ok("sum", "10", "[1, 2, 3, 4]"),
        ok("sum", "10", "{\"$set\": [1, 2, 3, 4]}"),
        ok("sum", "0", "[]"),
        ok("sum", "9223372036854775808", "[9223372036854775807, 1]"),
        ok("sum", "-9223372036854775809", "[-9223372036854775808, -1]"),
        ok("sum", "18446744073709551618", "[18446744073709551617, 1]"),
        ok("sum", "3.5", "[1, 2.5]"),
        ok("sum", "0.3", "[0.1, 0.2]"),
        typeError("sum", "operand 1 must be array of numbers but got array containing string", "[1, \"a\"]"),
        typeError("sum", "operand 1 must be one of {set, array} but got object", "{}"),
        ok("product", "24", "[1, 2, 3, 4]"),
        ok("product", "1", "{\"$set\": []}"),
        ok("product", "36893488147419103234", "[18446744073709551617, 2]"),
        ok("product", "3", "[1.5, 2]"),
        ok("max", "4", "[1, 4, 2]"),
        ok("max", "\"a\"", "[1, \"a\", null]"),
        ok("max", "3", "{\"$set\": [1, 3, 2]}"),
        undefined("max", "[]"),
        undefined("max", "{\"$set\": []}"),
        ok("min", "-7", "[3, 2, 1, 4, 6, -7, 10]"),
        ok("min", "null", "[1, \"a\", null]"),
        undefined("min", "[]"),
        typeError("min", "operand 1 must be one of {set, array} but got string", "\"abc\""),
        ok("sort", "[1, 2, 3, 4]", "[4, 3, 2, 1]"),
        ok("sort", "[null, false, 1, \"a\", [1], {}]", "[{}, [1], \"a\", 1, false, null]"),
        ok("sort", "[1, 2, 3]", "{\"$set\": [3, 1, 2]}"),
        typeError("sort", "operand 1 must be one of {set, array} but got object", "{}"),
        ok("any", "true", "[false, true]"),
        ok("any", "false", "[]"),
        ok("any", "false", "{\"$set\": [false]}"),
        ok("any", "true", "[true, {}, \"false\"]"),
        ok("all", "true", "[]"),
        ok("all", "false", "[{}, \"\", true, true, 123]"),
        ok("all", "true", "{\"$set\": [true]}"),
        typeError("all", "operand 1 must be one of {array, set} but got string", "\"x\""),
        ok("array.concat", "[1, 2, 3, 4]", "[1, 2]", "[3, 4]"),
        typeError("array.concat", "operand 2 must be array but got object", "[]", "{}"),
        ok("array.slice", "[2, 3]", "[1, 2, 3, 4, 5]", "1", "3"),
        ok("array.slice", "[1, 2]", "[1, 2, 3, 4, 5]", "-1", "2"),
        ok("array.slice", "[4, 5]", "[1, 2, 3, 4, 5]", "3", "6"),
        ok("array.slice", "[]", "[1, 2, 3, 4, 5]", "4", "1"),
        ok("array.slice", "[]", "[1, 2, 3]", "1000", "2000"),
        typeError("array.slice", "operand 2 must be integer number but got floating-point number", "[1]", "0.5", "1"),
        ok("array.reverse", "[3, 2, 1]", "[1, 2, 3]"),
        ok("array.reverse", "[]", "[]"),
        typeError("array.reverse", "operand 1 must be array but got object", "{}"),
        ok("array.flatten", "[1, 2, \"s\", 3, {\"a\": \"b\"}, 4.5, 6, [7, 8]]",
            "[[1, 2], \"s\", [3, {\"a\": \"b\"}], 4.5, [6, [7, 8]]]"),
        typeError("array.flatten", "operand 1 must be array but got number", "42"),
        ok("union", "{\"$set\": [1, 2, 3, 4]}", "{\"$set\": [{\"$set\": [1, 2]}, {\"$set\": [3, 4]}, {\"$set\": []}]}"),
        ok("union", "{\"$set\": []}", "{\"$set\": []}"),
        typeError("union", "operand 1 must be set but got number", "{\"$set\": [1]}"),
        ok("intersection", "{\"$set\": [\"d\"]}",
            "{\"$set\": [{\"$set\": [\"a\", \"b\", \"d\"]}, {\"$set\": [\"c\", \"d\"]}, {\"$set\": [\"d\"]}]}"),
        ok("intersection", "{\"$set\": []}", "{\"$set\": []}"),
        ok("intersection", "{\"$set\": []}", "{\"$set\": [{\"$set\": []}, {\"$set\": [1]}]}"),
        typeError("intersection", "operand 1 must be set but got array", "[]"),
        ok("set_diff", "{\"$set\": [2]}", "{\"$set\": [1, 2]}", "{\"$set\": [1]}"),
        ok("numbers.range", "[0]", "0", "0"),
        ok("numbers.range", "[-2, -1, 0, 1, 2, 3]", "-2", "3"),
        ok("numbers.range", "[2, 1, 0, -1, -2, -3]", "2", "-3"),
        ok("numbers.range", "[9223372036854775807, 9223372036854775808]", "9223372036854775807", "9223372036854775808"),
        typeError("numbers.range", "operand 1 must be integer number but got floating-point number", "3.14", "4"),
        typeError("numbers.range", "operand 2 must be integer but got string", "3", "\"4\""),
        failure("numbers.range", "too large", "0", "100000000000"),
        ok("numbers.range_step", "[0, 3, 6, 9]", "0", "10", "3"),
        ok("numbers.range_step", "[10, 8, 6]", "10", "5", "2"),
        failure("numbers.range_step", "step must be a positive integer", "0", "10", "0"),
        ok("bits.and", "1", "7", "9"),
        ok("bits.and", "0", "50", "0"),
        ok("bits.or", "15", "7", "9"),
        ok("bits.xor", "0", "42", "42"),
        ok("bits.xor", "-1", "-43", "42"),
        ok("bits.negate", "-43", "42"),
        ok("bits.negate", "-18446744073709551617", "18446744073709551616"),
        ok("bits.lsh", "8", "1", "3"),
        ok("bits.lsh", "18446744073709551614", "9223372036854775807", "1"),
        ok("bits.rsh", "1", "8", "3"),
        ok("bits.rsh", "-4", "-8", "1"),
        ok("bits.rsh", "-1", "-8", "100"),
        ok("bits.rsh", "0", "8", "100"),
        typeError("bits.and", "operand 1 must be integer number but got floating-point number", "7.2", "42"),
        typeError("bits.lsh", "operand 2 must be an unsigned integer number but got a negative integer", "7", "-1"),
        typeError("bits.rsh", "operand 2 must be an unsigned integer number but got a negative integer", "7", "-1"),
        failure("bits.lsh", "bits", "1", "100000000"));
  }

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @MethodSource("cases")
  void builtin(String name, List<String> args, BuiltinCases.Outcome outcome, String expected) throws Exception {
    BuiltinCases.check(name, args, outcome, expected);
  }
}
