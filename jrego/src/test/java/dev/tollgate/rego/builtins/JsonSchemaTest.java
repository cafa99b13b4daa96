package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.BuiltinCases.failure;
import static dev.tollgate.rego.builtins.BuiltinCases.ok;
import static dev.tollgate.rego.builtins.BuiltinCases.str;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonSchemaTest {
  private static final String ID_SCHEMA = "{\"properties\": {\"id\": {\"type\": \"integer\"}}, \"required\": [\"id\"]}";

  /** One expected error object, in match_schema's shape. */
  private static String err(String field, String type, String desc) {
    return "{\"error\": " + str(field + ": " + desc) + ", \"type\": " + str(type) + ", \"field\": " + str(field)
        + ", \"desc\": " + str(desc) + "}";
  }

  private static Arguments invalid(String doc, String schema, String... errors) {
    return ok("json.match_schema", "[false, [" + String.join(", ", errors) + "]]", doc, schema);
  }

  private static Arguments valid(String doc, String schema) {
    return ok("json.match_schema", "[true, []]", doc, schema);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        ok("json.verify_schema", "[true, null]", str("{}")),
        ok("json.verify_schema", "[true, null]", ID_SCHEMA),
        ok("json.verify_schema", "[false, \"jsonschema: invalid JSON string\"]", str("{ \"a\": \"")),
        ok("json.verify_schema", "[false, \"jsonschema: has a primitive type that is NOT VALID -- given: /UNKNOWN/"
            + " Expected valid values are:[array boolean integer number null object string]\"]",
            "{\"properties\": {\"id\": {\"type\": \"UNKNOWN\"}}}"),
        ok("json.verify_schema", "[false, \"jsonschema: wrong type, expected string or object\"]", "1"),
        ok("json.verify_schema", "[false, \"jsonschema: remote references are not supported: http://example.com/s.json\"]",
            "{\"$ref\": \"http://example.com/s.json\"}"),
        valid(str("{}"), str("{}")),
        valid(str("{ \"id\": 5 }"), ID_SCHEMA),
        invalid(str("{ \"id\": \"test\" }"), ID_SCHEMA,
            err("id", "invalid_type", "Invalid type. Expected: integer, given: string")),
        invalid("{}", ID_SCHEMA, err("(root)", "required", "id is required")),
        invalid("{\"id\": 1, \"x\": 2}", "{\"additionalProperties\": false, \"properties\": {\"id\": {}}}",
            err("(root)", "additional_property_not_allowed", "Additional property x is not allowed")),
        invalid("{\"a\": [1, 2, \"x\"]}",
            "{\"definitions\": {\"n\": {\"type\": \"number\", \"maximum\": 1}}, \"properties\": {\"a\": {\"items\": {\"$ref\": \"#/definitions/n\"}}}}",
            err("a.1", "number_lte", "Must be less than or equal to 1"),
            err("a.2", "invalid_type", "Invalid type. Expected: number, given: string")),
        invalid(str("1.5"), "{\"type\": [\"string\", \"integer\"]}",
            err("(root)", "invalid_type", "Invalid type. Expected: [string,integer], given: number")),
        valid(str("2.0"), "{\"type\": \"integer\"}"),
        invalid(str("\"ab\""), "{\"minLength\": 3, \"pattern\": \"^b\"}",
            err("(root)", "string_gte", "String length must be greater than or equal to 3"),
            err("(root)", "pattern", "Does not match pattern '^b'")),
        invalid(str("\"x\""), "{\"enum\": [\"a\", 1]}", err("(root)", "enum", "(root) must be one of the following: \"a\", 1")),
        invalid("{\"k\": 2}", "{\"properties\": {\"k\": {\"const\": 1}}}", err("k", "const", "k does not match: 1")),
        invalid(str("5"), "{\"exclusiveMaximum\": 5, \"multipleOf\": 2}",
            err("(root)", "multiple_of", "Must be a multiple of 2"), err("(root)", "number_lt", "Must be less than 5")),
        invalid(str("5"), "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"minimum\": 5, \"exclusiveMinimum\": true}",
            err("(root)", "number_gt", "Must be greater than 5")),
        invalid("[1, 1]", "{\"uniqueItems\": true, \"maxItems\": 1}",
            err("(root)", "array_max_items", "Array must have at most 1 items"),
            err("(root)", "unique", "array items[0,1] must be unique")),
        invalid("[1, \"a\"]", "{\"items\": [{\"type\": \"integer\"}], \"additionalItems\": false}",
            err("(root)", "array_no_additional_items", "No additional items allowed on array")),
        invalid(str("\"x\""), "{\"anyOf\": [{\"type\": \"integer\"}, {\"minLength\": 2}]}",
            err("(root)", "number_any_of", "Must validate at least one schema (anyOf)"),
            err("(root)", "invalid_type", "Invalid type. Expected: integer, given: string")),
        invalid(str("3"), "{\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 1}]}",
            err("(root)", "number_one_of", "Must validate one and only one schema (oneOf)")),
        invalid(str("3"), "{\"not\": {\"type\": \"integer\"}}", err("(root)", "number_not", "Must not validate the schema (not)")),
        invalid("{\"a\": 1}", "{\"dependencies\": {\"a\": [\"b\"]}}", err("(root)", "missing_dependency", "Has a dependency on b")),
        invalid("{\"kind\": \"x\"}", "{\"if\": {\"properties\": {\"kind\": {\"const\": \"x\"}}}, \"then\": {\"required\": [\"v\"]}}",
            err("(root)", "condition_then", "Must validate \"then\" as \"if\" was valid"),
            err("(root)", "required", "v is required")),
        invalid("{\"Ab\": 1}", "{\"propertyNames\": {\"pattern\": \"^[a-z]+$\"}}",
            err("(root)", "invalid_property_name", "Property name of \"Ab\" does not match"),
            err("(root)", "pattern", "Does not match pattern '^[a-z]+$'")),
        invalid("{\"n\": \"x\", \"s\": 1}", "{\"patternProperties\": {\"^s\": {\"type\": \"string\"}}}",
            err("s", "invalid_type", "Invalid type. Expected: string, given: integer")),
        invalid("[1]", "{\"contains\": {\"type\": \"string\"}}", err("(root)", "contains", "At least one of the items must match")),
        invalid("{\"d\": \"2020-13-01\", \"e\": \"nope\", \"h\": \"-bad-\", \"i\": \"300.1.1.1\"}",
            "{\"properties\": {\"d\": {\"format\": \"date\"}, \"e\": {\"format\": \"email\"}, \"h\": {\"format\": \"hostname\"},"
                + " \"i\": {\"format\": \"ipv4\"}}}",
            err("d", "format", "Does not match format 'date'"), err("e", "format", "Does not match format 'email'"),
            err("h", "format", "Does not match format 'hostname'"), err("i", "format", "Does not match format 'ipv4'")),
        valid("{\"t\": \"2024-01-02T03:04:05Z\", \"u\": \"123e4567-e89b-12d3-a456-426614174000\", \"v6\": \"::1\"}",
            "{\"properties\": {\"t\": {\"format\": \"date-time\"}, \"u\": {\"format\": \"uuid\"}, \"v6\": {\"format\": \"ipv6\"}}}"),
        valid("{\"tree\": {\"child\": {\"child\": {}}}}",
            "{\"properties\": {\"tree\": {\"$ref\": \"#/definitions/node\"}}, \"definitions\": {\"node\": {\"type\": \"object\","
                + " \"properties\": {\"child\": {\"$ref\": \"#/definitions/node\"}}}}}"),
        invalid(str("1"), str("false"), err("(root)", "false", "False always fails validation")),
        valid("{\"s\": {\"$set\": [1, 2]}}", "{\"properties\": {\"s\": {\"type\": \"array\"}}}"),
        failure("json.match_schema", "invalid JSON string", str("{"), str("{}")),
        failure("json.match_schema", "NOT VALID", str("{}"), "{\"type\": \"UNKNOWN\"}"),
        failure("json.match_schema", "wrong type, expected string or object", "1", str("{}")));
  }

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @MethodSource("cases")
  void builtin(String name, List<String> args, BuiltinCases.Outcome outcome, String expected) throws Exception {
    BuiltinCases.check(name, args, outcome, expected);
  }
}
