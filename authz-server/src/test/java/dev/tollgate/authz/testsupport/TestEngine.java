package dev.tollgate.authz.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicyEngine;
import dev.tollgate.authz.engine.PolicySource;
import java.util.Map;
import java.util.function.Function;

/**
 * An engine for pipeline tests, registered under the name "rego" the way the Rego engine will
 * be: each tenant's "policy" is a Java function of the input document, keyed by tenant name.
 */
public final class TestEngine implements PolicyEngine {
    private final Map<String, Function<JsonNode, EvalResult>> policies;

    public TestEngine(Map<String, Function<JsonNode, EvalResult>> policies) {
        this.policies = Map.copyOf(policies);
    }

    @Override
    public String name() {
        return "rego";
    }

    @Override
    public LoadResult load(PolicySource source) {
        Function<JsonNode, EvalResult> f = policies.get(source.tenant());
        if (f == null) {
            return new LoadResult.Failed("no test policy for tenant " + source.tenant());
        }
        if (source.modules().stream().allMatch(m -> m.shared())) {
            return new LoadResult.Failed("no .rego files for tenant " + source.tenant());
        }
        return new LoadResult.Loaded(new CompiledPolicy() {
            @Override
            public EvalResult evaluate(JsonNode input) {
                return f.apply(input);
            }
        });
    }
}
