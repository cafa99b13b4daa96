package dev.tollgate.authz.tenant;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the deciding tenant (the owner of the destination workload) is found.
 *
 * @param trustDomains SPIFFE trust domain → tenant ({@code tenancy.trust_domains}); an unlisted
 *                     trust domain maps to the tenant of the same name
 */
public record TenantRouting(List<Source> sources, Map<String, String> namespaces, Map<String, String> hosts,
                            Optional<String> defaultTenant, Map<String, String> trustDomains) {
    public TenantRouting {
        sources = List.copyOf(sources);
        namespaces = Map.copyOf(namespaces);
        hosts = Map.copyOf(hosts);
        trustDomains = Map.copyOf(trustDomains);
    }

    public TenantRouting(List<Source> sources, Map<String, String> namespaces, Map<String, String> hosts,
                         Optional<String> defaultTenant) {
        this(sources, namespaces, hosts, defaultTenant, Map.of());
    }

    /** The tenant a trust domain maps to: its {@code trustDomains} entry, else the tenant of the same name. */
    public String tenantOfTrustDomain(String trustDomain) {
        return trustDomains.getOrDefault(trustDomain, trustDomain);
    }

    public enum Source {
        /** Namespace of {@code attributes.destination.principal} (SPIFFE), mapped by {@code namespaces}. */
        DESTINATION_PRINCIPAL("destination_principal"),
        /** Trust domain of {@code attributes.destination.principal} (SPIFFE), mapped by {@code trustDomains}. */
        DESTINATION_TRUST_DOMAIN("destination_trust_domain"),
        /** {@code attributes.context_extensions["tenant"]}, set per route in Envoy. */
        CONTEXT_EXTENSION("context_extension"),
        /** {@code attributes.request.http.host}, port stripped, mapped by {@code hosts}. */
        HOST("host");

        private final String wireName;

        Source(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Source fromWireName(String name) {
            for (Source s : values()) {
                if (s.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown tenant source '" + name
                    + "' (expected destination_principal, destination_trust_domain, context_extension or host)");
        }
    }
}
