package dev.tollgate.authz.policy;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Keeps {@link ReloadStats} current: writers serialise, readers get the last immutable snapshot. */
final class ReloadRecorder {
    private final Clock clock;
    private volatile ReloadStats stats = ReloadStats.EMPTY;

    ReloadRecorder(Clock clock) {
        this.clock = clock;
    }

    ReloadStats stats() {
        return stats;
    }

    synchronized void success(String tenant, String revision) {
        ReloadStats s = stats;
        ReloadStats.Tenant t = s.tenants().getOrDefault(tenant, ReloadStats.Tenant.NEW);
        var now = Optional.of(clock.instant());
        Map<String, ReloadStats.Tenant> tenants = new HashMap<>(s.tenants());
        tenants.put(tenant, new ReloadStats.Tenant(Optional.of(revision), t.successes() + 1, t.failures(),
                Optional.empty(), now, t.lastFailure()));
        stats = new ReloadStats(s.successes() + 1, s.failures(), s.lastError(), now, tenants);
    }

    synchronized void failure(String tenant, String error) {
        ReloadStats s = stats;
        ReloadStats.Tenant t = s.tenants().getOrDefault(tenant, ReloadStats.Tenant.NEW);
        var now = Optional.of(clock.instant());
        Map<String, ReloadStats.Tenant> tenants = new HashMap<>(s.tenants());
        tenants.put(tenant, new ReloadStats.Tenant(t.revision(), t.successes(), t.failures() + 1,
                Optional.of(error), t.lastSuccess(), now));
        stats = new ReloadStats(s.successes(), s.failures() + 1, Optional.of(tenant + ": " + error), now, tenants);
    }

    synchronized void removed(String tenant) {
        ReloadStats s = stats;
        Map<String, ReloadStats.Tenant> tenants = new HashMap<>(s.tenants());
        tenants.remove(tenant);
        stats = new ReloadStats(s.successes(), s.failures(), s.lastError(), s.lastReload(), tenants);
    }
}
