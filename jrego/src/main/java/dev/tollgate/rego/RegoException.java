package dev.tollgate.rego;

import java.util.List;

/** Base of the engine's errors: carries one or more {@link RegoError}s. */
public class RegoException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<RegoError> errors;

  RegoException(RegoError error) {
    this(List.of(error));
  }

  RegoException(List<RegoError> errors) {
    super(summary(errors), null, false, false);
    this.errors = List.copyOf(errors);
  }

  private static String summary(List<RegoError> errors) {
    if (errors.size() == 1) {
      return errors.get(0).toString();
    }
    StringBuilder sb = new StringBuilder(errors.size() + " errors occurred:");
    for (RegoError e : errors) {
      sb.append('\n').append(e);
    }
    return sb.toString();
  }

  public List<RegoError> errors() {
    return errors;
  }

  /** The code of the first error. */
  public String code() {
    return errors.get(0).code();
  }
}
