package dev.tollgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The type checker: each row a module body (package t), and the error expected or none. */
class TypeCheckTest {
  private static final String SCHEMA = """
      {"type": "object", "additionalProperties": false,
       "properties": {
         "user": {"type": "object", "additionalProperties": false,
                  "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
                                 "roles": {"type": "array", "items": {"type": "string"}}}},
         "headers": {"type": "object", "additionalProperties": {"type": "string"}},
         "method": {"enum": ["GET", "POST"]},
         "extra": {"$ref": "#/definitions/extra"}},
       "definitions": {"extra": {"type": "object", "properties": {"n": {"type": "number"}}}}}
      """;

  private static List<RegoError> errors(String body, Schemas schemas) {
    try {
      Rego.compiler().module("t.rego", "package t\n\n" + body).schemas(schemas).compile();
      return List.of();
    } catch (RegoCompileException e) {
      return e.errors();
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // built-in operands and results
        Arguments.of("upper(count(x))", "p := upper(count(input.headers.x))", "3:6: rego_type_error: upper: invalid argument(s): have (number), want (string)"),
        Arguments.of("nested ok", "p := count(upper(input.headers.x))", null),
        Arguments.of("literal operand", "p := abs(\"a\")", "3:6: rego_type_error: abs: invalid argument(s): have (string), want (number)"),
        Arguments.of("variable carries type", "p if {\n  x := count([1])\n  startswith(x, \"a\")\n}", "5:3: rego_type_error: startswith: invalid argument(s)"),
        Arguments.of("output operand", "p if {\n  count([1], x)\n  lower(x)\n}", "5:3: rego_type_error: lower: invalid argument(s)"),
        Arguments.of("union operand accepted", "p := count(input.headers.x) + count(\"abc\")", null),
        Arguments.of("arithmetic on string", "p := \"a\" + 1", "3:6: rego_type_error: plus: invalid argument(s)"),
        Arguments.of("set minus", "p := {1, 2} - {1}", null),
        Arguments.of("concat of array", "p := concat(\",\", [\"a\", \"b\"])", null),
        Arguments.of("concat of numbers", "p := concat(\",\", [1, 2])", "3:6: rego_type_error: concat: invalid argument(s)"),
        // rules and functions
        Arguments.of("rule value inferred", "n := 3\np := upper(n)", "4:6: rego_type_error: upper: invalid argument(s)"),
        Arguments.of("function result inferred", "f(x) := count(x)\np := lower(f(\"ab\"))", "4:6: rego_type_error: lower: invalid argument(s)"),
        Arguments.of("partial set", "s contains \"a\"\np := upper(s)", "4:6: rego_type_error: upper: invalid argument(s): have (set[string])"),
        Arguments.of("else branches union", "v := 1 if input.user.name\nelse := \"a\"\np := upper(v)", null),
        Arguments.of("closed rule object", "o := {\"a\": 1}\np := o.b", "4:6: rego_type_error: undefined ref: data.t.o.b"),
        Arguments.of("recursion through functions", "f(x) := g(x)\ng(x) := 1 if x > 1\np := f(2)", null),
        Arguments.of("comprehension", "p := upper([x | some x in [1]])", "3:6: rego_type_error: upper: invalid argument(s): have (array[number])"),
        Arguments.of("every binds", "p if every x in [\"a\"] { abs(x) }", "3:25: rego_type_error: abs: invalid argument(s)"),
        Arguments.of("some in binds", "p if {\n  some k, v in {\"a\": 1}\n  upper(v)\n}", "5:3: rego_type_error: upper: invalid argument(s)"),
        Arguments.of("unification mismatch", "p if {\n  x := 1\n  x = \"a\"\n}", "5:5: rego_type_error: match error: left: number, right: string"),
        Arguments.of("array pattern", "p := y if [y, 2] = [\"a\", 2]", null),
        Arguments.of("iteration over scalar is undefined, not an error", "p if every x in 42 { x }", null),
        // input schema
        Arguments.of("schema field ok", "p if input.user.name == \"a\"", null),
        Arguments.of("schema misspelt field", "p if input.user.nmae == \"a\"", "3:6: rego_type_error: undefined ref: input.user.nmae: \"nmae\" is not one of the fields (age, name, roles)"),
        Arguments.of("schema top level", "p if input.usr", "3:6: rego_type_error: undefined ref: input.usr"),
        Arguments.of("schema open map", "p if input.headers[\"x-anything\"] == \"v\"", null),
        Arguments.of("schema value type", "p := upper(input.user.age)", "3:6: rego_type_error: upper: invalid argument(s): have (number)"),
        Arguments.of("schema array element", "p if {\n  some r in input.user.roles\n  abs(r)\n}", "5:3: rego_type_error: abs: invalid argument(s)"),
        Arguments.of("schema enum", "p := abs(input.method)", "3:6: rego_type_error: abs: invalid argument(s)"),
        Arguments.of("schema $ref", "p := upper(input.extra.n)", "3:6: rego_type_error: upper: invalid argument(s)"),
        Arguments.of("schema through import", "import input.user\np if user.nmae", "4:6: rego_type_error: undefined ref: input.user.nmae"),
        Arguments.of("schema through variable", "p if {\n  u := input.user\n  u.nmae\n}", "5:3: rego_type_error: undefined ref: u.nmae"),
        Arguments.of("with values are not checked against the schema", "q if input.user.name\np if q with input as {\"other\": 1}", null),
        Arguments.of("annotation overrides input", "# METADATA\n# schemas:\n#   - input: {type: object, properties: {a: {type: string}}, additionalProperties: false}\np if input.b",
            "6:6: rego_type_error: undefined ref: input.b"),
        Arguments.of("annotation by name", "# METADATA\n# schemas:\n#   - input.user: schema.other\np if input.user.z", "6:6: rego_type_error: undefined ref: input.user.z"),
        Arguments.of("annotation undefined name", "# METADATA\n# schemas:\n#   - input: schema.nothing\np := 1", "rego_type_error: METADATA schemas: input: undefined schema schema.nothing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void typeErrors(String name, String body, String expected) {
    Value schema = Json.parse(SCHEMA);
    Schemas schemas = new Schemas(schema, Map.of("input", schema,
        "other", Json.parse("{\"type\": \"object\", \"properties\": {\"y\": {}}, \"additionalProperties\": false}")));
    List<RegoError> errs = errors(body, schemas);
    if (expected == null) {
      assertEquals(List.of(), errs, body);
    } else {
      assertEquals(1, errs.size(), () -> body + " -> " + errs);
      assertTrue(("t.rego:" + errs.get(0).location().replace("t.rego:", "") + ": " + errs.get(0).code() + ": "
          + errs.get(0).message()).contains(expected) || errs.get(0).toString().contains(expected),
          () -> errs.get(0) + " does not contain " + expected);
    }
  }

  @Test
  void withoutSchemaInputIsAnything() {
    assertEquals(List.of(), errors("p if input.user.nmae", Schemas.NONE));
  }

  @Test
  void everyErrorIsReportedAtOnce() {
    List<RegoError> errs = errors("p := upper(1)\nq := lower(2)\nr if input.usr", Schemas.input(Json.parse(SCHEMA)));
    assertEquals(3, errs.size(), errs::toString);
  }

  @Test
  void malformedSchemaIsAnErrorNamingThePart() {
    RegoCompileException e = assertThrows(RegoCompileException.class, () -> Rego.compiler()
        .module("t.rego", "package t\np := 1").schemas(Schemas.input(Json.parse("{\"type\": \"strin\"}"))).compile());
    assertEquals("rego_type_error: input schema: #/type: unknown type \"strin\"", e.errors().get(0).toString());
  }

  @Test
  void schemaDirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("input.json"), SCHEMA);
    Files.createDirectories(dir.resolve("acl"));
    Files.writeString(dir.resolve("acl/roles.json"), "{\"type\": \"array\", \"items\": {\"type\": \"string\"}}");
    Schemas s = Schemas.load(dir);
    assertEquals(Json.parse(SCHEMA), s.input());
    assertTrue(s.named().containsKey("acl/roles"));
    List<RegoError> errs = errors("# METADATA\n# schemas:\n#   - data.roles: schema.acl.roles\np := abs(data.roles[0])", s);
    assertEquals(1, errs.size(), errs::toString);
    assertTrue(errs.get(0).message().startsWith("abs: invalid argument(s)"));
  }

  @Test
  void builtinDeclarationsCoverTheRegistry() {
    List<String> undeclared = dev.tollgate.rego.builtins.BuiltinRegistry.standard().all().stream().map(dev.tollgate.rego.builtins.Builtin::name)
        .filter(n -> BuiltinTypes.of(n) == null && !n.equals("print"))
        .sorted().toList();
    assertEquals(List.of(), undeclared, "built-ins without a type declaration");
    List<String> wrongArity = dev.tollgate.rego.builtins.BuiltinRegistry.standard().all().stream()
        .filter(b -> BuiltinTypes.of(b.name()) != null && BuiltinTypes.of(b.name()).args().size() != b.arity())
        .map(b -> b.name() + "/" + b.arity()).sorted().toList();
    assertEquals(List.of(), wrongArity, "declarations whose operand count differs from the registry's");
  }

  @Test
  void signatureNotation() {
    assertEquals("(string, array[number]) any<string, set[[number, null]]>",
        "(" + String.join(", ", BuiltinTypes.signature("(string, array[number]) string | set[[number, null]]").args()
            .stream().map(Object::toString).toList()) + ") "
            + BuiltinTypes.signature("(string, array[number]) string | set[[number, null]]").result());
  }
}
