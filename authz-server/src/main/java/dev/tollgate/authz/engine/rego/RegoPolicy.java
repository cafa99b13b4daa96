package dev.tollgate.authz.engine.rego;

import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.rego.EvalOptions;
import dev.tollgate.rego.RegoException;
import dev.tollgate.rego.value.Value;
import java.util.List;

/** One tenant's compiled Rego: immutable, evaluated concurrently; each evaluation keeps its own state. */
public final class RegoPolicy implements CompiledPolicy {
    private final dev.tollgate.rego.CompiledPolicy compiled;
    private final String entrypoint;
    private final EvalOptions options;
    private final List<List<String>> rulePaths;

    RegoPolicy(dev.tollgate.rego.CompiledPolicy compiled, String entrypoint, EvalOptions options,
               List<List<String>> rulePaths) {
        this.compiled = compiled;
        this.entrypoint = entrypoint;
        this.options = options;
        this.rulePaths = rulePaths;
    }

    @Override
    public EvalResult evaluate(Value input) {
        Value result;
        try {
            result = compiled.evaluateRule(entrypoint, options.withInput(input));
        } catch (RegoException e) {
            return new EvalResult.Failed(e.code(), e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return new EvalResult.Failed("rego evaluation failed: " + e);
        }
        if (result == null) {
            return new EvalResult.Undefined();
        }
        return new EvalResult.Defined(JsonValues.toJson(result));
    }

    /** The full paths of the policy's rules (package and name), e.g. {@code [envoy, authz, allow]}. */
    public List<List<String>> rulePaths() {
        return rulePaths;
    }
}
