package dev.tollgate.rego;

/**
 * Observes one evaluation, for tools such as test coverage and decision explanations. Locations
 * are {@code file:line:col} strings that match {@link RuleOutline}. An evaluation with a listener
 * evaluates every rule definition a document needs (no rule-index shortcuts), so the events
 * describe all definitions, not only the ones the index picks.
 */
public interface EvalListener {
  /** A rule definition (a rule, an else branch, a function definition) starts its body. */
  default void enterRule(String location) {}

  /**
   * That definition finished.
   *
   * @param produced whether its body held at least once (for functions, for the given arguments)
   */
  default void exitRule(String location, boolean produced) {}

  /** A default rule supplied the value of its document. */
  default void defaultUsed(String location) {}

  /** Evaluation reached an expression (of a rule body, a nested body or the query). */
  default void expression(String location) {}
}
