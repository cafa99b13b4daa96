package dev.tollgate.authz.tenant;

import dev.tollgate.authz.engine.CompiledPolicy;
import java.util.Optional;

/**
 * One tenant after loading: its settings, and either a policy or the error that kept it from
 * loading. After a failed reload the tenant keeps its last good policy (and that policy's
 * revision) and carries the reload's error.
 *
 * @param engine   engine name, or empty when it could not be chosen
 * @param revision of the policy served: a hash of the tenant's files (and the shared library), or a bundle's revision
 */
public record Tenant(String name, TenantSettings settings, Optional<String> engine, Optional<CompiledPolicy> policy,
                     Optional<String> error, String revision) {
    public boolean loaded() {
        return policy.isPresent();
    }

    /** The same policy, still serving, with the error of a reload that did not replace it. */
    public Tenant withError(String reloadError) {
        return new Tenant(name, settings, engine, policy, Optional.of(reloadError), revision);
    }
}
