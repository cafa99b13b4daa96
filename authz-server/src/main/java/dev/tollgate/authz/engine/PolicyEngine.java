package dev.tollgate.authz.engine;

/**
 * A policy engine: turns one tenant's policy files into a {@link CompiledPolicy}. Implementations
 * are registered in {@link Engines}. Loading happens once per tenant (and per reload); failures are
 * returned as {@link LoadResult.Failed}, never thrown.
 */
public interface PolicyEngine {
    /** The name used in {@code tenant.yaml} ({@code engine: wasm}) and in /ready. */
    String name();

    LoadResult load(PolicySource source);
}
