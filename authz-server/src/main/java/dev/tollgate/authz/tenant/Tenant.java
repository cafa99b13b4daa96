package dev.tollgate.authz.tenant;

import dev.tollgate.authz.engine.CompiledPolicy;
import java.util.Optional;

/**
 * One tenant after loading: its settings, and either a policy or the error that kept it from loading.
 *
 * @param engine   engine name, or empty when it could not be chosen
 * @param revision hash of the tenant's policy files and data (and the shared library)
 */
public record Tenant(String name, TenantSettings settings, Optional<String> engine, Optional<CompiledPolicy> policy,
                     Optional<String> error, String revision) {
    public boolean loaded() {
        return policy.isPresent();
    }
}
