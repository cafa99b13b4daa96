package dev.tollgate.authz.engine.rego;

import com.fasterxml.jackson.databind.JsonNode;
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
            result = compiled.evaluateRule(entrypoint, options, input);
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

    /** Whether some rule of this policy sits at {@code path} (slash-separated, e.g. {@code system/log/mask}). */
    public boolean definesRule(String path) {
        return rulePaths.contains(List.of(path.split("/")));
    }

    /** Evaluates another rule of this policy, with the same limits as the entrypoint. */
    public EvalResult evaluateRule(String path, JsonNode input) {
        Value result;
        try {
            result = compiled.evaluateRule(path, options.withInput(JsonValues.toValue(input)));
        } catch (RegoException e) {
            return new EvalResult.Failed(e.code(), e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return new EvalResult.Failed("rego evaluation failed: " + e);
        }
        return result == null ? new EvalResult.Undefined() : new EvalResult.Defined(JsonValues.toJson(result));
    }

    /** The policy's entrypoint evaluated on an input already in jrego values (benchmarks). */
    Value evaluateValue(Value input) {
        return compiled.evaluateRule(entrypoint, options.withInput(input));
    }

    /** The full paths of the policy's rules (package and name), e.g. {@code [envoy, authz, allow]}. */
    public List<List<String>> rulePaths() {
        return rulePaths;
    }
}
