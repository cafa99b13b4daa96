package dev.tollgate.authz.tenant;

import dev.tollgate.authz.identity.InvalidSpiffeIdException;
import dev.tollgate.authz.identity.SpiffeId;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the deciding tenant: the first configured source whose candidate names a known tenant,
 * else the default tenant, else none. Pure.
 */
public final class TenantResolver {
    public static final String CONTEXT_EXTENSION_KEY = "tenant";

    private static final int MEMO_LIMIT = 10_000;
    private static final Optional<Boolean> FOREIGN = Optional.of(true);
    private static final Optional<Boolean> OWN = Optional.of(false);

    /**
     * What a destination principal offers the tenant sources, worked out once per principal.
     *
     * @param namespaceTenant   tenant named by its namespace (Kubernetes-shaped IDs), or null
     * @param trustDomain       its trust domain, or null when it is not a SPIFFE ID
     * @param trustDomainTenant tenant named by its trust domain, or null
     * @param problem           why it is not a SPIFFE ID, or null
     */
    private record Destination(String namespaceTenant, String trustDomain, String trustDomainTenant, String problem) {
    }

    private final TenantRouting routing;
    /** Tenant → the trust domains {@code tenancy.trust_domains} lists for it. */
    private final Map<String, Set<String>> listedTrustDomains;
    // Destinations repeat (a tenant's few workloads): each principal is parsed once, not per check.
    private final ConcurrentHashMap<String, Destination> destinations = new ConcurrentHashMap<>();

    public TenantResolver(TenantRouting routing) {
        this.routing = routing;
        Map<String, Set<String>> listed = new HashMap<>();
        routing.trustDomains().forEach((td, tenant) -> listed.computeIfAbsent(tenant, t -> new HashSet<>()).add(td));
        listed.replaceAll((t, tds) -> Set.copyOf(tds));
        this.listedTrustDomains = Map.copyOf(listed);
    }

    public Optional<String> resolve(AttributeContext attributes, Set<String> knownTenants) {
        for (TenantRouting.Source source : routing.sources()) {
            String candidate = candidate(source, attributes);
            if (candidate != null && knownTenants.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return routing.defaultTenant().filter(knownTenants::contains);
    }

    private String candidate(TenantRouting.Source source, AttributeContext attributes) {
        return switch (source) {
            case DESTINATION_PRINCIPAL -> {
                Destination d = destination(attributes.getDestination().getPrincipal());
                yield d == null ? null : d.namespaceTenant();
            }
            case DESTINATION_TRUST_DOMAIN -> {
                Destination d = destination(attributes.getDestination().getPrincipal());
                yield d == null ? null : d.trustDomainTenant();
            }
            case CONTEXT_EXTENSION -> attributes.getContextExtensionsMap().get(CONTEXT_EXTENSION_KEY);
            case HOST -> fromHost(attributes.getRequest().getHttp().getHost());
        };
    }

    /**
     * Why no tenant was found, naming what each source offered (e.g. the destination's trust
     * domain and the tenant it maps to). For the deny's detail only: not on the allow path.
     */
    public String describeMiss(AttributeContext attributes) {
        List<String> tried = new ArrayList<>();
        for (TenantRouting.Source source : routing.sources()) {
            String principal = attributes.getDestination().getPrincipal();
            Destination d = destination(principal);
            switch (source) {
                case DESTINATION_PRINCIPAL, DESTINATION_TRUST_DOMAIN -> {
                    if (principal.isEmpty()) {
                        tried.add(source.wireName() + ": no destination principal");
                    } else if (d.problem() != null) {
                        tried.add(source.wireName() + ": destination principal is not a SPIFFE ID (" + d.problem() + ")");
                    } else if (source == TenantRouting.Source.DESTINATION_PRINCIPAL) {
                        tried.add(d.namespaceTenant() == null
                                ? "destination_principal: '" + principal + "' has no namespace"
                                : "destination_principal: namespace maps to tenant '" + d.namespaceTenant()
                                        + "', which does not exist");
                    } else {
                        tried.add("destination_trust_domain: trust domain '" + d.trustDomain()
                                + "' maps to tenant '" + d.trustDomainTenant() + "', which does not exist");
                    }
                }
                case CONTEXT_EXTENSION -> {
                    String t = attributes.getContextExtensionsMap().get(CONTEXT_EXTENSION_KEY);
                    tried.add(t == null ? "context_extension: none"
                            : "context_extension: tenant '" + t + "' does not exist");
                }
                case HOST -> {
                    String host = attributes.getRequest().getHttp().getHost();
                    String t = fromHost(host);
                    tried.add(host.isEmpty() ? "host: none" : t == null ? "host: '" + host + "' is not in tenancy.hosts"
                            : "host: tenant '" + t + "' does not exist");
                }
            }
        }
        routing.defaultTenant().ifPresent(t -> tried.add("default_tenant '" + t + "' does not exist"));
        return "no tenant owns the destination (" + String.join("; ", tried) + ")";
    }

    /**
     * Whether a caller from {@code callerTrustDomain} is foreign to {@code tenant}. A tenant's own
     * trust domains are those that map to it (listed in {@code tenancy.trust_domains}, or unlisted
     * and named as the tenant). They count as known when {@code tenancy.trust_domains} lists one
     * for the tenant or the destination's trust domain maps to it; otherwise the answer is empty.
     */
    public Optional<Boolean> federated(AttributeContext attributes, String tenant, String callerTrustDomain) {
        Set<String> listed = listedTrustDomains.get(tenant);
        if (listed == null) {
            Destination d = destination(attributes.getDestination().getPrincipal());
            if (d == null || !tenant.equals(d.trustDomainTenant())) {
                return Optional.empty();
            }
        }
        return tenant.equals(routing.tenantOfTrustDomain(callerTrustDomain)) ? OWN : FOREIGN;
    }

    private Destination destination(String principal) {
        if (principal.isEmpty()) {
            return null;
        }
        Destination d = destinations.get(principal);
        if (d == null) {
            d = parseDestination(principal);
            if (destinations.size() >= MEMO_LIMIT) {
                destinations.clear();
            }
            destinations.put(principal, d);
        }
        return d;
    }

    private Destination parseDestination(String principal) {
        try {
            SpiffeId id = SpiffeId.parse(principal);
            String ns = id.namespace().map(n -> routing.namespaces().getOrDefault(n, n)).orElse(null);
            return new Destination(ns, id.trustDomain(), routing.tenantOfTrustDomain(id.trustDomain()), null);
        } catch (InvalidSpiffeIdException e) {
            return new Destination(null, null, null, e.getMessage());
        }
    }

    private String fromHost(String host) {
        if (host.isEmpty()) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        return routing.hosts().get(h);
    }
}
