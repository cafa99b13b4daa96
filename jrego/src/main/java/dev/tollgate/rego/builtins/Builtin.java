package dev.tollgate.rego.builtins;

import java.util.Objects;

/**
 * A built-in declaration: its Rego name (e.g. {@code "strings.replace_n"}), how many operands
 * it takes, and its implementation.
 *
 * @param name the fully qualified Rego name
 * @param arity operand count, or {@link #VARIADIC} (only {@code print})
 * @param relation true when the built-in yields several alternative outputs ({@code walk}): the
 *     implementation then returns an {@code ArrayValue} holding each output
 * @param nondeterministic true when the result may differ between calls with equal operands
 *     ({@code http.send}, {@code rand.intn}, {@code time.now_ns}, ...): excluded from constant
 *     folding and cached per evaluation
 * @param impl the implementation
 */
public record Builtin(
    String name, int arity, boolean relation, boolean nondeterministic, BuiltinFunction impl) {
  public static final int VARIADIC = -1;

  public Builtin {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(impl, "impl");
    if (arity < VARIADIC) {
      throw new IllegalArgumentException("arity " + arity);
    }
  }

  /** A deterministic function of {@code arity} operands. */
  public static Builtin function(String name, int arity, BuiltinFunction impl) {
    return new Builtin(name, arity, false, false, impl);
  }
}
