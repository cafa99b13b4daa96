package dev.tollgate.authz.tenant;

import dev.tollgate.authz.identity.InvalidSpiffeIdException;
import dev.tollgate.authz.identity.SpiffeId;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the deciding tenant: the first configured source whose candidate names a known tenant,
 * else the default tenant, else none. Pure.
 */
public final class TenantResolver {
    public static final String CONTEXT_EXTENSION_KEY = "tenant";

    private final TenantRouting routing;

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
        try {
            Optional<String> ns = SpiffeId.parse(principal).namespace();
            return ns.map(n -> routing.namespaces().getOrDefault(n, n)).orElse(null);
        } catch (InvalidSpiffeIdException e) {
            return null;
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
