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
    Operators.register(r);
    EvalEnvironment.register(r);
    return r.build();
  }
}
