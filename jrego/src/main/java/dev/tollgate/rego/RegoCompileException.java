package dev.tollgate.rego;

import java.util.List;

/** Parsing or compiling modules (or a query) failed. */
public final class RegoCompileException extends RegoException {
  private static final long serialVersionUID = 1L;

  RegoCompileException(List<RegoError> errors) {
    super(errors);
  }
}
