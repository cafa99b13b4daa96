package dev.tollgate.authz.policy;

import dev.tollgate.authz.tenant.Tenant;

/**
 * What else must happen when a tenant's policy goes into or out of service (installing its rate
 * limits, say). Called under the lifecycle's lock, off the Check path.
 */
public interface TenantActivator {
    /** Nothing beyond the registry swap. */
    TenantActivator NONE = new TenantActivator() {
        @Override
        public Tenant activate(Tenant loaded) {
            return loaded;
        }

        @Override
        public void deactivate(String name) {
        }
    };

    /**
     * Called for a tenant that compiled, before it serves; returns it, or a failed tenant (with
     * its error) to refuse it, in which case the last good policy keeps serving.
     */
    Tenant activate(Tenant loaded);

    /** Called when a tenant is removed. */
    void deactivate(String name);
}
