package dev.tollgate.authz.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tenancy by the destination's trust domain, how it combines with namespaces, and the federation flag. */
class TrustDomainTenancyTest {
    private static final Set<String> TENANTS = Set.of("bank-a", "bank-b", "payments");

    private static final TenantResolver DEFAULT_ORDER = new TenantResolver(new TenantRouting(
            List.of(TenantRouting.Source.DESTINATION_PRINCIPAL, TenantRouting.Source.DESTINATION_TRUST_DOMAIN,
                    TenantRouting.Source.CONTEXT_EXTENSION, TenantRouting.Source.HOST),
            Map.of(), Map.of(), Optional.empty(), Map.of("bank-b.example.org", "bank-b", "bank-c", "bank-z")));

    private static AttributeContext to(String destination) {
        AttributeContext.Builder a = AttributeContext.newBuilder();
        if (destination != null) {
            a.getDestinationBuilder().setPrincipal(destination);
        }
        return a.build();
    }

    static Stream<Arguments> destinations() {
        return Stream.of(
                // destination principal, tenant (null = none)
                Arguments.of("spiffe://bank-b/trans-ms", "bank-b"),
                Arguments.of("spiffe://bank-a/api-ms", "bank-a"),
                Arguments.of("spiffe://bank-b.example.org/trans-ms", "bank-b"),
                Arguments.of("spiffe://cluster.local/ns/bank-a/sa/api-ms", "bank-a"),
                // the namespace comes first; its trust domain decides only when the namespace names no tenant
                Arguments.of("spiffe://bank-a/ns/payments/sa/ledger", "payments"),
                Arguments.of("spiffe://bank-a/ns/ledgers/sa/ledger", "bank-a"),
                Arguments.of("spiffe://bank-z/api-ms", null),
                Arguments.of("spiffe://bank-c/api-ms", null),
                Arguments.of("spiffe://cluster.local/api-ms", null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("destinations")
    void destinationTrustDomainNamesTheTenant(String destination, String tenant) {
        assertEquals(Optional.ofNullable(tenant), DEFAULT_ORDER.resolve(to(destination), TENANTS));
    }

    static Stream<Arguments> misses() {
        return Stream.of(
                Arguments.of("spiffe://bank-z/api-ms", "destination_trust_domain: trust domain 'bank-z' maps to tenant"
                        + " 'bank-z', which does not exist"),
                Arguments.of("spiffe://bank-c/api-ms", "destination_trust_domain: trust domain 'bank-c' maps to tenant"
                        + " 'bank-z', which does not exist"),
                Arguments.of("spiffe://cluster.local/ns/x/sa/y", "destination_principal: namespace maps to tenant 'x',"
                        + " which does not exist"),
                Arguments.of("https://bank-a/api-ms", "destination_trust_domain: destination principal is not a SPIFFE ID"
                        + " (scheme is missing or not 'spiffe://')"),
                Arguments.of(null, "destination_trust_domain: no destination principal"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misses")
    void aMissNamesWhatEachSourceOffered(String destination, String expected) {
        String detail = DEFAULT_ORDER.describeMiss(to(destination));
        assertEquals(true, detail.startsWith("no tenant owns the destination ("), detail);
        assertEquals(true, detail.contains(expected), detail);
    }

    static Stream<Arguments> federation() {
        return Stream.of(
                // destination, deciding tenant, caller trust domain, federated (null = unknown)
                Arguments.of("spiffe://bank-b/trans-ms", "bank-b", "bank-a", true),
                Arguments.of("spiffe://bank-b/trans-ms", "bank-b", "bank-b", false),
                Arguments.of("spiffe://bank-b/trans-ms", "bank-b", "cluster.local", true),
                Arguments.of("spiffe://bank-b.example.org/trans-ms", "bank-b", "bank-b.example.org", false),
                // listed for bank-b, so known whatever the destination
                Arguments.of("spiffe://cluster.local/ns/bank-b/sa/trans-ms", "bank-b", "bank-b.example.org", false),
                Arguments.of("spiffe://cluster.local/ns/bank-b/sa/trans-ms", "bank-b", "cluster.local", true),
                // bank-a: nothing listed, destination in the mesh trust domain: unknown
                Arguments.of("spiffe://cluster.local/ns/bank-a/sa/api-ms", "bank-a", "cluster.local", null),
                Arguments.of("spiffe://bank-a/ns/payments/sa/ledger", "payments", "bank-a", null),
                Arguments.of(null, "bank-a", "bank-a", null));
    }

    @ParameterizedTest(name = "{0} for {1}, caller from {2} -> {3}")
    @MethodSource("federation")
    void federatedSaysWhetherTheCallerIsForeignToTheTenant(String destination, String tenant, String callerDomain,
                                                          Boolean federated) {
        assertEquals(Optional.ofNullable(federated), DEFAULT_ORDER.federated(to(destination), tenant, callerDomain));
    }

    @Test
    void trustDomainsAloneRouteTheArchitecturesIds() {
        TenantResolver r = new TenantResolver(new TenantRouting(List.of(TenantRouting.Source.DESTINATION_TRUST_DOMAIN),
                Map.of(), Map.of(), Optional.empty(), Map.of()));
        assertEquals(Optional.of("bank-b"), r.resolve(to("spiffe://bank-b/trans-ms"), TENANTS));
        // namespaces are not consulted without destination_principal
        assertEquals(Optional.empty(), r.resolve(to("spiffe://cluster.local/ns/bank-a/sa/api-ms"), TENANTS));
    }
}
