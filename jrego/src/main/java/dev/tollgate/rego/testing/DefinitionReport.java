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
 * @param causes definitions that the failed expression needed and that did not apply themselves
 */
public record DefinitionReport(
    String location,
    String head,
    Outcome outcome,
    String failedAt,
    String failedExpression,
    java.util.List<DefinitionReport> causes) {
  public DefinitionReport {
    causes = java.util.List.copyOf(causes);
  }

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

  /**
   * Appends one line per cause, nested causes indented further: {@code a.rego:5:1: allow if {
   * -- did not apply: a.rego:6:2: input.user == "alice"}.
   */
  public void appendCauses(StringBuilder sb, String indent) {
    for (DefinitionReport c : causes) {
      sb.append(indent).append(c.location()).append(": ").append(c.head()).append(" -- did not apply: ")
          .append(c.failure()).append('\n');
      c.appendCauses(sb, indent + "  ");
    }
  }
}
