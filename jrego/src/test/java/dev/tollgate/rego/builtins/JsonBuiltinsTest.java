package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.BuiltinCases.failure;
import static dev.tollgate.rego.builtins.BuiltinCases.ok;
import static dev.tollgate.rego.builtins.BuiltinCases.str;
import static dev.tollgate.rego.builtins.BuiltinCases.typeError;
import static dev.tollgate.rego.builtins.BuiltinCases.undefined;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonBuiltinsTest {
  static Stream<Arguments> marshalling() {
    return Stream.of(
        ok("json.marshal", str("[{\"foo\":[1,2,3]}]"), "[{\"foo\": {\"$set\": [3, 1, 2]}}]"),
        ok("json.marshal", str("{\"a\":1,\"b\":2,\"é\":3}"), "{\"é\": 3, \"b\": 2, \"a\": 1}"),
        ok("json.marshal", str("\"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\""), str("<b>&</b>")),
        ok("json.marshal", str("\"tab\\tline\\nq\\\"\\\\\\u0001\\u2028\""), str("tab\tline\nq\"\\\u0001\u2028")),
        ok("json.marshal", str("{\"1\":\"n\",\"[1]\":\"a\"}"), "{\"$obj\": [[1, \"n\"], [[1], \"a\"]]}"),
        ok("json.marshal", str("1.5"), "1.50"),
        ok("json.marshal", str("null"), "null"),
        ok("json.marshal_with_options", str("{\n\t\"a\": [\n\t\t1,\n\t\t{}\n\t]\n}"), "{\"a\": [1, {}]}", "{\"pretty\": true}"),
        ok("json.marshal_with_options", str("--{\n--  \"a\": []\n--}"), "{\"a\": []}", "{\"indent\": \"  \", \"prefix\": \"--\"}"),
        ok("json.marshal_with_options", str("{\"a\":[]}"), "{\"a\": []}", "{\"indent\": \"  \", \"pretty\": false}"),
        ok("json.marshal_with_options", str("{\"a\":1}"), "{\"a\": 1}", "{}"),
        typeError("json.marshal_with_options", "operand 2 object contained unknown key foo", "1", "{\"foo\": 1}"),
        typeError("json.marshal_with_options", "operand 2 key pretty failed cast to bool", "1", "{\"pretty\": 1}"),
        typeError("json.marshal_with_options", "operand 2 key indent failed cast to string", "1", "{\"indent\": 1}"),
        ok("json.unmarshal", "[{\"foo\": [1, 2, 3]}]", str("[{\"foo\":[1,2,3]}]")),
        ok("json.unmarshal", "123456789012345678901234567890", str("123456789012345678901234567890")),
        failure("json.unmarshal", "", str("{")),
        failure("json.unmarshal", "", str("1 2")),
        typeError("json.unmarshal", "operand 1 must be string but got number", "1"),
        ok("json.is_valid", "false", str("plainstring")),
        ok("json.is_valid", "false", str("{")),
        ok("json.is_valid", "true", str("{\"json\": \"ok\"}")),
        ok("json.is_valid", "false", "1"));
  }

  static Stream<Arguments> filterAndRemove() {
    String doc = "{\"a\": {\"b\": {\"c\": 7, \"d\": 8}}, \"e\": 9}";
    return Stream.of(
        ok("json.filter", "{\"a\": {\"b\": {\"c\": 7}}, \"e\": 9}", doc, "{\"$set\": [\"a/b/c\", \"e\"]}"),
        ok("json.filter", "{\"a\": {\"b\": {\"c\": 7}}, \"e\": 9}", doc, "[\"a/b/c\", \"e\"]"),
        ok("json.filter", "{\"a\": {\"b\": {\"c\": 7}}, \"e\": 9}", doc, "{\"$set\": [[\"a\", \"b\", \"c\"], [\"e\"]]}"),
        ok("json.filter", "{\"a\": {\"b\": {\"c\": 7, \"d\": 8}}}", doc, "[\"a/b\", \"a/b/c\"]"),
        ok("json.filter", "{\"a\": {\"b\": {\"c\": 7, \"d\": 8}}}", doc, "[\"a/b/c\", \"/a/b\"]"),
        ok("json.filter", "{}", "{\"a\": 7}", "{\"$set\": []}"),
        ok("json.filter", "{\"a\": [{\"b\": 7}, {\"d\": 9}]}", "{\"a\": [{\"b\": 7, \"c\": 8}, {\"d\": 9}]}", "[\"a/0/b\", \"a/1\"]"),
        ok("json.filter", "{\"a\": [{\"1\": [\"d\"]}]}", "{\"a\": [{\"1\": [\"b\", \"c\", \"d\"]}, {\"x\": \"y\"}]}", "[\"a/0/1/2\"]"),
        ok("json.filter", "{\"a/b\": 1}", "{\"a/b\": 1, \"a~b\": 2}", "[\"a~1b\"]"),
        typeError("json.filter", "operand 2 must be one of {set, array} but got string", doc, str("a")),
        typeError("json.filter", "operand 2 must be one of {set, array} containing string paths or array of path segments but got number",
            doc, "[1]"),
        typeError("json.filter", "operand 1 must be object but got array", "[]", "[]"),
        ok("json.remove", "{\"a\": {\"b\": {\"d\": 8}}, \"e\": 9}", doc, "{\"$set\": [\"a/b/c\"]}"),
        ok("json.remove", "{\"a\": {\"b\": {\"d\": 8}}}", doc, "[\"a/b/c\", \"e\"]"),
        ok("json.remove", "{}", "{\"a\": {\"b\": 7}, \"c\": 1}", "[\"a\", \"c\"]"),
        ok("json.remove", "{\"a\": {}}", "{\"a\": {\"b\": 7}, \"c\": 1}", "[\"a/b\", \"c\"]"),
        ok("json.remove", "{\"a\": [{\"c\": 8}]}", "{\"a\": [{\"b\": 7, \"c\": 8}, {\"d\": 9}]}", "[\"a/0/b\", \"a/1\"]"),
        ok("json.remove", "{\"a\": {\"$set\": [\"y\"]}}", "{\"a\": {\"$set\": [\"x\", \"y\"]}}", "[\"a/x\"]"),
        ok("json.remove", doc, doc, "[\"\"]"),
        typeError("json.remove", "operand 1 must be object but got string", str("foo"), "[]"),
        typeError("json.remove", "operand 2 must be one of {set, array} but got object", doc, "{}"),
        typeError("json.remove", "containing string paths or array of path segments but got object", doc, "[\"a\", {}]"));
  }

  static Stream<Arguments> patch() {
    return Stream.of(
        ok("json.patch", "{\"baz\": \"qux\", \"foo\": \"bar\"}", "{\"foo\": \"bar\"}",
            "[{\"op\": \"add\", \"path\": \"/baz\", \"value\": \"qux\"}]"),
        ok("json.patch", "{\"foo\": [\"bar\", \"qux\", \"baz\"]}", "{\"foo\": [\"bar\", \"baz\"]}",
            "[{\"op\": \"add\", \"path\": \"/foo/1\", \"value\": \"qux\"}]"),
        ok("json.patch", "{\"foo\": [\"bar\", \"x\"]}", "{\"foo\": [\"bar\"]}",
            "[{\"op\": \"add\", \"path\": \"/foo/-\", \"value\": \"x\"}]"),
        ok("json.patch", "{\"foo\": \"bar\"}", "{\"baz\": \"qux\", \"foo\": \"bar\"}", "[{\"op\": \"remove\", \"path\": \"/baz\"}]"),
        ok("json.patch", "{\"baz\": \"boo\"}", "{\"baz\": \"qux\"}", "[{\"op\": \"replace\", \"path\": \"/baz\", \"value\": \"boo\"}]"),
        ok("json.patch", "{\"foo\": {\"bar\": \"baz\"}, \"qux\": {\"corge\": \"grault\", \"thud\": \"fred\"}}",
            "{\"foo\": {\"bar\": \"baz\", \"waldo\": \"fred\"}, \"qux\": {\"corge\": \"grault\"}}",
            "[{\"op\": \"move\", \"from\": \"/foo/waldo\", \"path\": \"/qux/thud\"}]"),
        ok("json.patch", "{\"foo\": [\"all\", \"cows\", \"eat\", \"grass\"]}", "{\"foo\": [\"all\", \"grass\", \"cows\", \"eat\"]}",
            "[{\"op\": \"move\", \"from\": \"/foo/1\", \"path\": \"/foo/3\"}]"),
        ok("json.patch", "{\"a\": [1], \"b\": [1]}", "{\"a\": [1]}", "[{\"op\": \"copy\", \"from\": \"/a\", \"path\": \"/b\"}]"),
        ok("json.patch", "{\"/\": 9, \"~1\": 10}", "{\"/\": 9, \"~1\": 10}", "[{\"op\": \"test\", \"path\": \"/~01\", \"value\": 10}]"),
        ok("json.patch", "[]", "{}", "[{\"op\": \"add\", \"path\": \"\", \"value\": []}]"),
        ok("json.patch", "{\"\": 1}", "{}", "[{\"op\": \"add\", \"path\": \"/\", \"value\": 1}]"),
        ok("json.patch", "{\"foo\": {\"$set\": [\"a\", \"c\"]}}", "{\"foo\": {\"$set\": [\"a\", \"b\", \"c\"]}}",
            "[{\"op\": \"remove\", \"path\": \"foo/b\"}]"),
        ok("json.patch", "{\"foo\": {\"$set\": [\"a\", \"d\"]}}", "{\"foo\": {\"$set\": [\"a\"]}}",
            "[{\"op\": \"add\", \"path\": \"foo/d\", \"value\": \"d\"}]"),
        ok("json.patch", "{\"$set\": [[1, 2]]}", "{\"$set\": [[1]]}", "[{\"op\": \"add\", \"path\": [[1], 1], \"value\": 2}]"),
        undefined("json.patch", "{\"foo\": {\"$set\": [\"a\"]}}", "[{\"op\": \"add\", \"path\": \"foo/d\", \"value\": \"e\"}]"),
        undefined("json.patch", "[1, 2, 3]", "[{\"op\": \"add\", \"path\": \"1.2\", \"value\": \"foo\"}]"),
        undefined("json.patch", "{\"q\": {\"bar\": 2}}", "[{\"op\": \"add\", \"path\": \"/a/b\", \"value\": 1}]"),
        undefined("json.patch", "{\"baz\": \"qux\"}", "[{\"op\": \"test\", \"path\": \"/baz\", \"value\": \"bar\"}]"),
        undefined("json.patch", "[\"foo\", \"bar\"]", "[{\"op\": \"test\", \"path\": \"/01\", \"value\": \"bar\"}]"),
        undefined("json.patch", "[1, 2, 3, 4]", "[{\"op\": \"remove\", \"path\": \"/1e0\"}]"),
        undefined("json.patch", "[\"foo\", \"bar\"]", "[{\"op\": \"remove\", \"path\": \"/2\"}]"),
        undefined("json.patch", "{\"foo\": 1}", "[{\"op\": \"spam\", \"path\": \"/foo\", \"value\": 1}]"),
        undefined("json.patch", "[1]", "[{\"op\": \"add\", \"path\": \"/-\"}]"),
        undefined("json.patch", "{}", "[{\"op\": \"add\", \"path\": null, \"value\": \"bar\"}]"),
        undefined("json.patch", "{\"foo\": 1}", "[{\"op\": \"copy\", \"from\": \"/bar\", \"path\": \"/foo\"}]"),
        undefined("json.patch", "{}", "[1]"),
        typeError("json.patch", "operand 2 must be array but got object", "{}", "{}"));
  }

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @MethodSource({"marshalling", "filterAndRemove", "patch"})
  void builtin(String name, List<String> args, BuiltinCases.Outcome outcome, String expected) throws Exception {
    BuiltinCases.check(name, args, outcome, expected);
  }
}
