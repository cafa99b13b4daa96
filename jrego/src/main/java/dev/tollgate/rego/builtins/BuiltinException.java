package dev.tollgate.rego.builtins;

/**
 * A built-in failed. The evaluator prefixes the message with the built-in's name, so messages
 * read like OPA's: {@code "array.concat: operand 2 must be array but got object"}.
 *
 * <p>Type errors ({@code eval_type_error}) always stop evaluation; other failures
 * ({@code eval_builtin_error}) make the call undefined unless strict built-in errors are on.
 */
public final class BuiltinException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean typeError;

  private BuiltinException(String message, boolean typeError) {
    super(message, null, false, false);
    this.typeError = typeError;
  }

  /** A failure other than a type error: {@code eval_builtin_error}. */
  public static BuiltinException failure(String message) {
    return new BuiltinException(message, false);
  }

  /** An operand of the wrong type or shape: {@code eval_type_error}. */
  public static BuiltinException typeError(String message) {
    return new BuiltinException(message, true);
  }

  public boolean isTypeError() {
    return typeError;
  }

  /** OPA's error code for this failure. */
  public String code() {
    return typeError ? "eval_type_error" : "eval_builtin_error";
  }
}
