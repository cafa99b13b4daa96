package dev.tollgate.authz.engine.wasm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.styra.opa.wasm.OpaPolicy;
import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.rego.value.Value;

/** One tenant's wasm policy; evaluation borrows a pooled instance. */
final class WasmPolicy implements CompiledPolicy {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final InstancePool pool;

    WasmPolicy(InstancePool pool) {
        this.pool = pool;
    }

    @Override
    public EvalResult evaluate(Value input) {
        OpaPolicy instance;
        try {
            instance = pool.borrow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new EvalResult.Failed("interrupted while waiting for a wasm instance");
        } catch (RuntimeException e) {
            return new EvalResult.Failed("cannot create wasm instance: " + e);
        }
        if (instance == null) {
            return new EvalResult.Failed("no wasm instance became free in time (pool exhausted)");
        }
        String output;
        try {
            output = instance.evaluate(input.toJson());
        } catch (RuntimeException | StackOverflowError e) {
            pool.discard();
            return new EvalResult.Failed("wasm evaluation failed: " + e);
        }
        pool.release(instance);
        return read(output);
    }

    /** OPA's result set: {@code []} is undefined, {@code [{"result": v}]} is v. */
    static EvalResult read(String output) {
        JsonNode set;
        try {
            set = JSON.readTree(output);
        } catch (JsonProcessingException e) {
            return new EvalResult.Failed("wasm result is not JSON");
        }
        if (!set.isArray()) {
            return new EvalResult.Failed("wasm result is not a result set");
        }
        if (set.isEmpty()) {
            return new EvalResult.Undefined();
        }
        if (set.size() > 1) {
            return new EvalResult.Failed("wasm result set has " + set.size() + " results, expected one");
        }
        JsonNode result = set.get(0).get("result");
        return result == null ? new EvalResult.Undefined() : new EvalResult.Defined(result);
    }
}
