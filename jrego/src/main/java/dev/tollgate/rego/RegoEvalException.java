package dev.tollgate.rego;

/** Evaluation failed: a conflict, a type error, a built-in error in strict mode, or a limit. */
public final class RegoEvalException extends RegoException {
  private static final long serialVersionUID = 1L;

  RegoEvalException(RegoError error) {
    super(error);
  }
}
