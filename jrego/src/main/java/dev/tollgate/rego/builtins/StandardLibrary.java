package dev.tollgate.rego.builtins;

/**
 * The standard built-in library, one class per category (each starting with its
 * {@code register} method). Add a category by adding one line here.
 */
final class StandardLibrary {
  static final BuiltinRegistry REGISTRY = build();

  private StandardLibrary() {}

  private static BuiltinRegistry build() {
    BuiltinRegistry.Builder r = BuiltinRegistry.builder();
    StringBuiltins.register(r);
    RegexBuiltins.register(r);
    GlobBuiltins.register(r);
    UnitsBuiltins.register(r);
    NumberCastBuiltins.register(r);
    UrlQueryBuiltins.register(r);
    UuidBuiltins.register(r);
    SemverBuiltins.register(r);
    Operators.register(r);
    EvalEnvironment.register(r);
    Aggregates.register(r);
    ArrayBuiltins.register(r);
    ObjectBuiltins.register(r);
    SetsOfSets.register(r);
    Types.register(r);
    Numbers.register(r);
    Encodings.register(r);
    JsonBuiltins.register(r);
    Graphs.register(r);
    YamlBuiltins.register(r);
    JsonSchema.register(r);
    GraphQlBuiltins.register(r);
    CryptoBuiltins.register(r);
    JwtBuiltins.register(r);
    TimeBuiltins.register(r);
    NetBuiltins.register(r);
    RandBuiltins.register(r);
    HttpSend.register(r);
    return r.build();
  }
}
