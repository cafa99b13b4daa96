package dev.tollgate.authz.tenant;

import dev.tollgate.authz.identity.InvalidSpiffeIdException;
import dev.tollgate.authz.identity.SpiffeId;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.util.Locale;
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
    /** Memo value for a principal that names no tenant candidate (no namespace, or not a SPIFFE ID). */
    private static final String NO_CANDIDATE = new String("");

    private final TenantRouting routing;
    // Destinations repeat (a tenant's few workloads): each principal is parsed once, not per check.
    private final ConcurrentHashMap<String, String> destinations = new ConcurrentHashMap<>();

    public TenantResolver(TenantRouting routing) {
        this.routing = routing;
    }

    public Optional<String> resolve(AttributeContext attributes, Set<String> knownTenants) {
        for (TenantRouting.Source source : routing.sources()) {
            String candidate = switch (source) {
                case DESTINATION_PRINCIPAL -> fromDestination(attributes.getDestination().getPrincipal());
                case CONTEXT_EXTENSION -> attributes.getContextExtensionsMap().get(CONTEXT_EXTENSION_KEY);
                case HOST -> fromHost(attributes.getRequest().getHttp().getHost());
            };
            if (candidate != null && knownTenants.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return routing.defaultTenant().filter(knownTenants::contains);
    }

    private String fromDestination(String principal) {
        if (principal.isEmpty()) {
            return null;
        }
        String candidate = destinations.get(principal);
        if (candidate == null) {
            candidate = candidateOf(principal);
            if (destinations.size() >= MEMO_LIMIT) {
                destinations.clear();
            }
            destinations.put(principal, candidate);
        }
        return candidate == NO_CANDIDATE ? null : candidate;
    }

    private String candidateOf(String principal) {
        try {
            Optional<String> ns = SpiffeId.parse(principal).namespace();
            return ns.map(n -> routing.namespaces().getOrDefault(n, n)).orElse(NO_CANDIDATE);
        } catch (InvalidSpiffeIdException e) {
            return NO_CANDIDATE;
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
