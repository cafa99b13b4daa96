package dev.tollgate.authz.engine.wasm;

import com.styra.opa.wasm.OpaPolicy;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicyEngine;
import dev.tollgate.authz.engine.PolicySource;
import java.time.Duration;

/** Runs OPA-compiled {@code policy.wasm} on Chicory through opa-java-wasm, instances pooled per tenant. */
public final class WasmEngine implements PolicyEngine {
    private final int poolSize;
    private final Duration borrowTimeout;

    public WasmEngine(int poolSize, Duration borrowTimeout) {
        if (poolSize < 1) {
            throw new IllegalArgumentException("wasm pool size must be at least 1");
        }
        this.poolSize = poolSize;
        this.borrowTimeout = borrowTimeout;
    }

    @Override
    public String name() {
        return Engines.WASM;
    }

    @Override
    public LoadResult load(PolicySource source) {
        if (source.wasm().isEmpty()) {
            return new LoadResult.Failed(source.location() + ": policy.wasm is missing");
        }
        PolicySource.Wasm wasm = source.wasm().get();
        byte[] module = wasm.bytes();
        String data = source.data().toString();
        // Validate eagerly: the first instance proves the module, entrypoint and data are usable.
        OpaPolicy first;
        try {
            first = instantiate(module, data);
        } catch (RuntimeException e) {
            return new LoadResult.Failed(wasm.name() + ": not a loadable OPA wasm module ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        if (!first.entrypoints().containsKey(source.entrypoint())) {
            return new LoadResult.Failed(wasm.name() + ": entrypoint '" + source.entrypoint()
                    + "' not found (module has " + first.entrypoints().keySet() + ")");
        }
        first.entrypoint(source.entrypoint());
        InstancePool pool = new InstancePool(poolSize, borrowTimeout, () -> {
            OpaPolicy p = instantiate(module, data);
            p.entrypoint(source.entrypoint());
            return p;
        }, first);
        return new LoadResult.Loaded(new WasmPolicy(pool));
    }

    private static OpaPolicy instantiate(byte[] module, String data) {
        OpaPolicy policy = OpaPolicy.builder().withPolicy(module).build();
        policy.data(data);
        return policy;
    }
}
