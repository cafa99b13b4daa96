package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.Value;

/**
 * The implementation of one built-in. Implementations are stateless and thread-safe; anything
 * that must be stable within one evaluation (the clock, random numbers, caches) comes from the
 * context.
 */
@FunctionalInterface
public interface BuiltinFunction {
  /**
   * Applies the built-in to fully evaluated operands.
   *
   * @return the result, or {@code null} when the result is undefined
   * @throws BuiltinException for a failure (type errors as {@link BuiltinException#typeError})
   */
  Value apply(BuiltinContext ctx, Value[] args) throws BuiltinException;
}
