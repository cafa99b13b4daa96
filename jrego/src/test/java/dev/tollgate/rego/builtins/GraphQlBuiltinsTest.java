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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class GraphQlBuiltinsTest {
  private static final String FIELD_NAME = "{\"Alias\": \"name\", \"Name\": \"name\"}";

  static Stream<Arguments> cases() {
    return Stream.of(
        ok("graphql.parse_query", "{\"Operations\": [{\"Name\": \"\", \"Operation\": \"query\", \"SelectionSet\": "
            + "[{\"Alias\": \"hero\", \"Name\": \"hero\", \"SelectionSet\": [" + FIELD_NAME + "]}]}]}", str("{hero {name}}")),
        ok("graphql.parse_query", "{\"Operations\": [{\"Name\": \"Q\", \"Operation\": \"query\", \"SelectionSet\": "
            + "[{\"Alias\": \"h\", \"Arguments\": [{\"Name\": \"id\", \"Value\": {\"Kind\": 0, \"Raw\": \"v\"}}], \"Name\": \"hero\"}],"
            + " \"VariableDefinitions\": [{\"Type\": {\"Elem\": {\"NamedType\": \"ID\", \"NonNull\": true}, \"NamedType\": \"\","
            + " \"NonNull\": false}, \"Used\": false, \"Variable\": \"v\"}]}]}",
            str("query Q($v: [ID!]) { h: hero(id: $v) }")),
        ok("graphql.parse_query", "{\"Operations\": [{\"Name\": \"\", \"Operation\": \"query\", \"SelectionSet\": "
            + "[{\"Alias\": \"f\", \"Arguments\": [{\"Name\": \"a\", \"Value\": {\"Children\": [{\"Name\": \"\", \"Value\": "
            + "{\"Kind\": 1, \"Raw\": \"1\"}}, {\"Name\": \"\", \"Value\": {\"Kind\": 2, \"Raw\": \"2.5\"}}], \"Kind\": 8, \"Raw\": \"\"}},"
            + " {\"Name\": \"o\", \"Value\": {\"Children\": [{\"Name\": \"k\", \"Value\": {\"Kind\": 3, \"Raw\": \"x\\ny\"}}],"
            + " \"Kind\": 9, \"Raw\": \"\"}}, {\"Name\": \"e\", \"Value\": {\"Kind\": 7, \"Raw\": \"RED\"}}], \"Name\": \"f\"}]}]}",
            str("{ f(a: [1, 2.5], o: {k: \"x\\ny\"}, e: RED) }")),
        ok("graphql.parse_query", "{\"Fragments\": [{\"Name\": \"F\", \"SelectionSet\": [" + FIELD_NAME + "], \"TypeCondition\": \"T\"}],"
            + " \"Operations\": [{\"Name\": \"\", \"Operation\": \"query\", \"SelectionSet\": [{\"Name\": \"F\"},"
            + " {\"Directives\": [{\"Location\": \"\", \"Name\": \"skip\"}], \"SelectionSet\": [" + FIELD_NAME + "],"
            + " \"TypeCondition\": \"\"}]}]}",
            str("{ ...F ... @skip { name } } fragment F on T { name }")),
        ok("graphql.parse_query", "{}", str("# only a comment\n")),
        failure("graphql.parse_query", "Expected Name, found <EOF> in GraphQL string at location 1:2", str("{")),
        failure("graphql.parse_query", "Expected \"on\", found Name \"Type\" in GraphQL string at location 1:37",
            str("{ ...MissingOn } fragment MissingOn Type")),
        failure("graphql.parse_query", "Unexpected Name \"notanoperation\" in GraphQL string at location 1:1",
            str("notanoperation Foo { field }")),
        failure("graphql.parse_query", "Unexpected $ in GraphQL string at location 1:37",
            str("query Foo($x: Complex = { a: { b: [ $var ] } }) { field }")),
        failure("graphql.parse_query", "expected at least one definition, found } in GraphQL string at location 1:21",
            str("{...{__typename{...{}}}}")),
        // The lexer's complaint surfaces only when the bad token is consumed; here it is only peeked.
        failure("graphql.parse_query", "Unexpected <Invalid> in GraphQL string at location 1:10", str("{ f(a: \"x")),
        typeError("graphql.parse_query", "operand 1 must be string but got number", "1"),
        ok("graphql.parse_schema", "{\"Definitions\": [{\"BuiltIn\": false, \"Description\": \"Greeting\\n  indented\", \"Fields\":"
            + " [{\"Arguments\": [{\"DefaultValue\": {\"Kind\": 5, \"Raw\": \"true\"}, \"Description\": \"\", \"Name\": \"flag\","
            + " \"Type\": {\"NamedType\": \"Boolean\", \"NonNull\": false}}], \"Description\": \"\", \"Name\": \"world\","
            + " \"Type\": {\"NamedType\": \"String\", \"NonNull\": true}}], \"Interfaces\": [\"A\", \"B\"], \"Kind\": \"OBJECT\","
            + " \"Name\": \"Hello\"}]}",
            str("\"\"\"\n  Greeting\n    indented\n\"\"\"\ntype Hello implements & A & B { world(flag: Boolean = true): String! }")),
        ok("graphql.parse_schema", "{\"Definitions\": [{\"BuiltIn\": false, \"Description\": \"\", \"Kind\": \"UNION\", \"Name\": \"U\","
            + " \"Types\": [\"A\", \"B\"]}, {\"BuiltIn\": false, \"Description\": \"\", \"EnumValues\": [{\"Description\": \"\","
            + " \"Directives\": [{\"Location\": \"\", \"Name\": \"deprecated\"}], \"Name\": \"X\"}], \"Kind\": \"ENUM\", \"Name\": \"E\"}],"
            + " \"Directives\": [{\"Description\": \"\", \"IsRepeatable\": true, \"Locations\": [\"FIELD\", \"QUERY\"], \"Name\": \"d\"}],"
            + " \"Schema\": [{\"Description\": \"\", \"OperationTypes\": [{\"Operation\": \"query\", \"Type\": \"Q\"}]}],"
            + " \"SchemaExtension\": [{\"Description\": \"\", \"Directives\": [{\"Location\": \"\", \"Name\": \"x\"}]}],"
            + " \"Extensions\": [{\"BuiltIn\": false, \"Description\": \"\", \"Interfaces\": [\"I\"], \"Kind\": \"OBJECT\", \"Name\": \"T\"}]}",
            str("union U = | A | B enum E { X @deprecated } directive @d repeatable on | FIELD | QUERY"
                + " schema { query: Q } extend schema @x extend type T implements I")),
        failure("graphql.parse_schema", "expected at least one definition, found } in GraphQL string at location 1:13", str("type Hello {}")),
        failure("graphql.parse_schema", "Unexpected <EOF> in GraphQL string at location 1:18", str("extend type Hello")),
        failure("graphql.parse_schema", "Unexpected String \"Description\" in GraphQL string at location 1:2",
            str("\"Description\" extend type Hello { world: String }")),
        failure("graphql.parse_schema", "Expected Name, found | in GraphQL string at location 1:19", str("union Hello = Wo || Rld")),
        failure("graphql.parse_schema", "Expected :, found ( in GraphQL string at location 1:20", str("input Hello { world(foo: Int): String }")),
        failure("graphql.parse_schema", "Unexpected Name \"INCORRECT_LOCATION\" in GraphQL string at location 1:27",
            str("directive @foo on FIELD | INCORRECT_LOCATION")),
        failure("graphql.parse_schema", "Unexpected <Invalid> in GraphQL string at location 1:1", str("?")));
  }

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @MethodSource("cases")
  void builtin(String name, List<String> args, BuiltinCases.Outcome outcome, String expected) throws Exception {
    BuiltinCases.check(name, args, outcome, expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.' | 'Hello,\n  World!\n\nYours,\n  GraphQL.'",
      "'\n\n    Hello,\n      World!\n\n' | 'Hello,\n  World!'",
      "'\n    Hello,      \n      World!    \n' | 'Hello,      \n  World!    '",
      "'single' | 'single'",
  })
  void blockStringsLoseCommonIndentAndBlankEdges(String raw, String expected) {
    assertEquals(expected, GraphQlParser.blockStringValue(raw));
  }
}
