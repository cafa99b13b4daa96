package dev.tollgate.authz.tenant;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tenants the server knows. Replaced whole (volatile immutable snapshot), so the Check path
 * never locks and a check that has read a tenant keeps that tenant's policy to the end, whatever
 * a reload publishes meanwhile. Writers are serialised.
 */
public final class TenantRegistry {
    private record Snapshot(Map<String, Tenant> tenants, Set<String> names, boolean complete) {
    }

    private volatile Snapshot snapshot;

    /** A registry that knows the tenant names but has loaded none yet. */
    public TenantRegistry(List<String> expectedNames) {
        this.snapshot = new Snapshot(Map.of(), Set.copyOf(expectedNames), expectedNames.isEmpty());
    }

    /** Publishes a full load: these tenants (and any expected ones still missing) are the tenant set. */
    public synchronized void publish(List<Tenant> loaded) {
        Map<String, Tenant> map = new LinkedHashMap<>();
        for (Tenant t : loaded) {
            map.put(t.name(), t);
        }
        Set<String> names = new LinkedHashSet<>(snapshot.names());
        names.addAll(map.keySet());
        snapshot = new Snapshot(Map.copyOf(map), Set.copyOf(names), true);
    }

    /** Adds or replaces one tenant; the others are untouched. */
    public synchronized void put(Tenant tenant) {
        Snapshot s = snapshot;
        Map<String, Tenant> map = new LinkedHashMap<>(s.tenants());
        map.put(tenant.name(), tenant);
        Set<String> names = new LinkedHashSet<>(s.names());
        names.add(tenant.name());
        snapshot = new Snapshot(Map.copyOf(map), Set.copyOf(names), s.complete());
    }

    /** Forgets a tenant: its checks resolve as for an unknown tenant from now on. */
    public synchronized void remove(String name) {
        Snapshot s = snapshot;
        Map<String, Tenant> map = new LinkedHashMap<>(s.tenants());
        map.remove(name);
        Set<String> names = new LinkedHashSet<>(s.names());
        names.remove(name);
        snapshot = new Snapshot(Map.copyOf(map), Set.copyOf(names), s.complete());
    }

    /** Marks the first full load as done (readiness is false until then). */
    public synchronized void markComplete() {
        Snapshot s = snapshot;
        snapshot = new Snapshot(s.tenants(), s.names(), true);
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
