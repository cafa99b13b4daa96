package dev.tollgate.authz.tenant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tenants the server knows. Replaced whole (volatile immutable snapshot), so the Check path
 * never locks.
 */
public final class TenantRegistry {
    private record Snapshot(Map<String, Tenant> tenants, Set<String> names, boolean complete) {
    }

    private volatile Snapshot snapshot;

    /** A registry that knows the tenant names but has loaded none yet. */
    public TenantRegistry(List<String> expectedNames) {
        this.snapshot = new Snapshot(Map.of(), Set.copyOf(expectedNames), expectedNames.isEmpty());
    }

    public void publish(List<Tenant> loaded) {
        Map<String, Tenant> map = new LinkedHashMap<>();
        for (Tenant t : loaded) {
            map.put(t.name(), t);
        }
        Set<String> names = new java.util.LinkedHashSet<>(snapshot.names());
        names.addAll(map.keySet());
        snapshot = new Snapshot(Map.copyOf(map), Set.copyOf(names), true);
    }

    public Set<String> names() {
        return snapshot.names();
    }

    public Optional<Tenant> get(String name) {
        return Optional.ofNullable(snapshot.tenants().get(name));
    }

    /** All tenants loaded (vacuously true with none); false until the first publish. */
    public boolean allLoaded() {
        Snapshot s = snapshot;
        return s.complete() && s.tenants().size() == s.names().size()
                && s.tenants().values().stream().allMatch(Tenant::loaded);
    }

    public List<Tenant> tenants() {
        return List.copyOf(snapshot.tenants().values());
    }
}
