package dev.tollgate.authz.policy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Policy reload statistics at one moment, immutable: for /ready detail and the metrics exporter.
 * Counts cover every load attempt after startup's first one as well as that first one.
 *
 * @param successes  loads that put a new policy into service, all tenants
 * @param failures   loads that failed (the last good policy, if any, kept serving), all tenants
 * @param lastError  the most recent failure's message, with its tenant
 * @param lastReload when the most recent load attempt (good or bad) finished
 * @param tenants    per tenant, by name; tenants that were removed are dropped
 */
public record ReloadStats(long successes, long failures, Optional<String> lastError, Optional<Instant> lastReload,
                          Map<String, Tenant> tenants) {
    public static final ReloadStats EMPTY = new ReloadStats(0, 0, Optional.empty(), Optional.empty(), Map.of());

    public ReloadStats {
        tenants = Map.copyOf(tenants);
    }

    /**
     * One tenant's reload history.
     *
     * @param revision    revision of the policy in service, empty while none is
     * @param successes   loads that put a policy into service
     * @param failures    loads that failed
     * @param lastError   the error of the most recent load if it failed, empty once a later load succeeds
     * @param lastSuccess when a policy last went into service
     * @param lastFailure when a load last failed
     */
    public record Tenant(Optional<String> revision, long successes, long failures, Optional<String> lastError,
                         Optional<Instant> lastSuccess, Optional<Instant> lastFailure) {
        static final Tenant NEW = new Tenant(Optional.empty(), 0, 0, Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
