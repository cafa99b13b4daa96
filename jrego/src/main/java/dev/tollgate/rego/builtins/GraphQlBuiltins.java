package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.Value;

/**
 * {@code graphql.parse_query} and {@code graphql.parse_schema}. The built-ins that validate a
 * query against a schema ({@code graphql.parse}, {@code graphql.parse_and_verify},
 * {@code graphql.is_valid}, {@code graphql.schema_is_valid}) are not provided.
 */
final class GraphQlBuiltins {
  private GraphQlBuiltins() {}

  interface Parse {
    Value parse(String text) throws GraphQlParser.GraphQlSyntaxException;
  }

  static void register(BuiltinRegistry.Builder r) {
    r.function("graphql.parse_query", 1, (ctx, a) -> parse(Args.string(a, 0), GraphQlParser::parseQuery));
    r.function("graphql.parse_schema", 1, (ctx, a) -> parse(Args.string(a, 0), GraphQlParser::parseSchema));
  }

  private static Value parse(String text, Parse parser) throws BuiltinException {
    try {
      return parser.parse(text);
    } catch (GraphQlParser.GraphQlSyntaxException e) {
      throw BuiltinException.failure(
          e.getMessage() + " in GraphQL string at location " + e.line + ":" + e.column);
    }
  }
}
