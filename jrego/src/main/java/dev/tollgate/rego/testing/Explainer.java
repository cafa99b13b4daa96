package dev.tollgate.rego.testing;

import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.EvalOptions;
import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.RegoEvalException;
import dev.tollgate.rego.RuleOutline;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Explains the value of one rule: which definitions produced it and, for the ones that did not
 * apply, the first expression that was false or undefined. Thread-safe; each call traces its own
 * evaluation (slower than a plain one: every definition is evaluated, without rule indexing).
 */
public final class Explainer {
  private final CompiledPolicy policy;
  private final Outlines outlines;
  private final SourceText sources;

  /**
   * @param policy the compiled policy
   * @param modules the modules' source texts by file name, as passed to the compiler
   */
  public Explainer(CompiledPolicy policy, Map<String, String> modules) {
    this.policy = policy;
    this.outlines = new Outlines(policy.outline());
    this.sources = new SourceText(Map.copyOf(modules));
  }

  /**
   * Evaluates {@code ref} ({@code data.a.b} or {@code a/b}) with {@code options} and explains it.
   * Evaluation errors are part of the explanation, not thrown.
   */
  public Explanation explain(String ref, EvalOptions options) {
    String normal = normalize(ref);
    TraceRecorder rec = new TraceRecorder(outlines);
    Value value = null;
    List<RegoError> errors = List.of();
    try {
      value = policy.evaluateRule(normal, options, rec);
    } catch (RegoEvalException e) {
      errors = e.errors();
    }
    List<DefinitionReport> defs = new ArrayList<>();
    for (RuleOutline o : outlines.definitions(normal)) {
      defs.addAll(Traces.chain(o, rec, sources));
    }
    return new Explanation(normal, value, errors, defs);
  }

  static String normalize(String ref) {
    String r = ref.strip();
    if (r.equals("data") || r.startsWith("data.")) {
      return r;
    }
    r = r.startsWith("/") ? r.substring(1) : r;
    return r.isEmpty() ? "data" : "data." + r.replace('/', '.');
  }
}
