package dev.tollgate.rego;

/**
 * One error from parsing, compiling or evaluating Rego, shaped like OPA's.
 *
 * @param code OPA's error category, e.g. {@code rego_parse_error} or {@code eval_conflict_error}
 * @param message what went wrong
 * @param location {@code file:line:col}, or empty when unknown
 */
public record RegoError(String code, String message, String location) {
  public RegoError {
    location = location == null ? "" : location;
  }

  @Override
  public String toString() {
    return location.isEmpty() ? code + ": " + message : location + ": " + code + ": " + message;
  }
}
