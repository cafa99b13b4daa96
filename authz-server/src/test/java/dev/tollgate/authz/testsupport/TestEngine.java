package dev.tollgate.authz.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicyEngine;
import dev.tollgate.authz.engine.PolicySource;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;
import java.util.Map;
import java.util.function.Function;

/**
 * An engine for pipeline tests, registered under the name "rego" the way the Rego engine will
 * be: each tenant's "policy" is a Java function of the input document, keyed by tenant name.
 */
public final class TestEngine implements PolicyEngine {
    private final Map<String, Function<Value, EvalResult>> policies;

    /** Policies of the input as a Jackson tree: the whole (lazy) input is read, as the WASM engine reads it. */
    public TestEngine(Map<String, Function<JsonNode, EvalResult>> policies) {
        this.policies = new java.util.HashMap<>();
        policies.forEach((tenant, f) -> this.policies.put(tenant, input -> f.apply(Json.toJackson(input))));
    }

    private TestEngine(Map<String, Function<Value, EvalResult>> policies, boolean values) {
        this.policies = Map.copyOf(policies);
    }

    /** Policies of the input value itself, which read only what they look up. */
    public static TestEngine ofValues(Map<String, Function<Value, EvalResult>> policies) {
        return new TestEngine(policies, true);
    }

    @Override
    public String name() {
        return "rego";
    }

    @Override
    public LoadResult load(PolicySource source) {
        Function<Value, EvalResult> f = policies.get(source.tenant());
        if (f == null) {
            return new LoadResult.Failed("no test policy for tenant " + source.tenant());
        }
        if (source.modules().stream().allMatch(m -> m.shared())) {
            return new LoadResult.Failed("no .rego files for tenant " + source.tenant());
        }
        return new LoadResult.Loaded(new CompiledPolicy() {
            @Override
            public EvalResult evaluate(Value input) {
                return f.apply(input);

            }
        });
    }
}
