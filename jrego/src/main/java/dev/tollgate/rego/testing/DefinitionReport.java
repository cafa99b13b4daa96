package dev.tollgate.rego.testing;

/**
 * What one rule definition (or else branch) did in an evaluation.
 *
 * @param location the definition's head, {@code file:line:col}
 * @param head the head's source line
 * @param outcome what happened
 * @param failedAt where the first false or undefined expression is (for {@link
 *     Outcome#NOT_APPLIED}; empty when no body expression was reached)
 * @param failedExpression that expression's source text, or empty
 */
public record DefinitionReport(String location, String head, Outcome outcome, String failedAt, String failedExpression) {
  /** The fate of a definition. */
  public enum Outcome {
    /** Its body held: it contributed the value. */
    PRODUCED,
    /** It was evaluated and its body did not hold. */
    NOT_APPLIED,
    /** It was not evaluated (an earlier else branch applied, or a default was not needed). */
    NOT_EVALUATED
  }

  /** One line describing why the definition did not apply, e.g. {@code a.rego:4:3: input.x == 1}. */
  public String failure() {
    if (failedAt.isEmpty()) {
      return "no body expression was reached (function arguments did not match)";
    }
    return failedAt + ": " + failedExpression;
  }
}
