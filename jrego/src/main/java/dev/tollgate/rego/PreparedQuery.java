package dev.tollgate.rego;

import dev.tollgate.rego.value.Value;
import java.util.List;
import java.util.Map;

/** A compiled query; immutable and thread-safe. */
public final class PreparedQuery {
  private final CompiledPolicy policy;
  private final Plan.Query query;

  PreparedQuery(CompiledPolicy policy, Plan.Query query) {
    this.policy = policy;
    this.query = query;
  }

  /**
   * Evaluates the query.
   *
   * @return one map of variable bindings per solution; empty when undefined
   * @throws RegoEvalException when evaluation fails
   */
  public List<Map<String, Value>> eval(EvalOptions options) {
    Eval e = new Eval(policy, options);
    try {
      return e.query(query);
    } catch (StackOverflowError so) {
      throw Eval.error("eval_cancel_error", "evaluation exceeded the stack depth", null);
    }
  }

  public List<Map<String, Value>> eval(Value input) {
    return eval(EvalOptions.input(input));
  }
}
