package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-trust reference architecture, configured as the README's worked example: one trust
 * domain per bank, an allow-list of trust domains, tenancy by the destination's trust domain,
 * and the shipped policies.
 */
class ReferenceArchitectureTest {
    @TempDir
    static Path dir;
    static InProcessTollgate served;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("tollgate.yaml");
        Files.writeString(config, """
                identity:
                  trust_domains: [cluster.local, bank-a, bank-b]
                tenancy:
                  sources: [destination_principal, destination_trust_domain]
                  trust_domains: {bank-a.example.org: bank-a}
                """);
        ServerConfig c = ServerConfig.load(Optional.of(config))
                .withPoliciesDir(ShippedPoliciesTest.repoRoot().resolve("policies"));
        Tollgate tollgate = new Tollgate(c, Engines.of(new RegoEngine(), new WasmEngine(1, Duration.ofSeconds(5))),
                List.of());
        served = new InProcessTollgate(tollgate);
        tollgate.loadTenants();
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
    }

    static CheckResponse check(String caller, String destination, String method, String path) {
        return served.authz.check(Requests.check(caller, destination, Requests.http(method, path)).build());
    }

    static String meta(CheckResponse r, String key) {
        return r.getDynamicMetadata().getFieldsMap().get(key).getStringValue();
    }

    static com.google.protobuf.Value identity(CheckResponse r, String key) {
        return r.getDynamicMetadata().getFieldsMap().get("identity").getStructValue().getFieldsMap().get(key);
    }

    @Test
    void onlyBankAsApiMayTransferOnBankBsTransactionService() {
        CheckResponse r = check("spiffe://bank-a/api-ms", "spiffe://bank-b/trans-ms", "POST", "/transfer");
        assertTrue(r.hasOkResponse(), r.toString());
        assertEquals("bank-b", meta(r, "tenant"));
        assertEquals("api-ms", identity(r, "workload").getStringValue());
        assertTrue(identity(r, "federated").getBoolValue(), "bank-a is foreign to bank-b");
        assertFalse(identity(r, "verified").getBoolValue(), "a principal is Envoy's word");

        CheckResponse other = check("spiffe://bank-a/audit-ms", "spiffe://bank-b/trans-ms", "POST", "/transfer");
        assertEquals("policy_denied", meta(other, "reason"));
        assertTrue(other.getDeniedResponse().getBody().contains("cross_tenant_not_granted"), other.toString());

        CheckResponse route = check("spiffe://bank-a/api-ms", "spiffe://bank-b/trans-ms", "GET", "/transactions/1");
        assertTrue(route.getDeniedResponse().getBody().contains("cross_tenant_not_granted"), route.toString());
    }

    @Test
    void ownCallersAreNotFederated() {
        CheckResponse r = check("spiffe://bank-b/statement-ms", "spiffe://bank-b/trans-ms", "GET", "/transactions/1");
        assertTrue(r.hasOkResponse(), r.toString());
        assertFalse(identity(r, "federated").getBoolValue());
        CheckResponse k8s = check("spiffe://cluster.local/ns/bank-a/sa/api-ms",
                "spiffe://cluster.local/ns/bank-b/sa/transaction-ms", "POST", "/transfer");
        assertTrue(k8s.hasOkResponse(), k8s.toString());
        assertFalse(k8s.getDynamicMetadata().getFieldsMap().get("identity").getStructValue().containsFields("federated"),
                "bank-b's trust domains are unknown for a mesh destination");
    }

    @Test
    void aTrustDomainOutsideTheAllowListIsAnInvalidIdentityNamingIt() {
        CheckResponse r = check("spiffe://bank-z/api-ms", "spiffe://bank-b/trans-ms", "POST", "/transfer");
        assertEquals("identity_invalid", meta(r, "reason"));
        assertEquals(401, r.getDeniedResponse().getStatus().getCodeValue());
        assertTrue(r.getDeniedResponse().getBody().contains("trust domain 'bank-z'"), r.toString());
    }

    @Test
    void aTrustDomainThatMapsToNoTenantIsAnUnknownTenantNamingIt() {
        CheckResponse r = check("spiffe://bank-a/api-ms", "spiffe://bank-z/trans-ms", "POST", "/transfer");
        assertEquals("unknown_tenant", meta(r, "reason"));
        assertTrue(r.getDeniedResponse().getBody().contains("trust domain 'bank-z' maps to tenant 'bank-z', which"
                + " does not exist"), r.toString());
    }

    @Test
    void aListedTrustDomainRoutesToItsTenant() {
        CheckResponse r = check("spiffe://bank-a/api-ms", "spiffe://bank-a.example.org/ledger-ms", "GET", "/ledger/1");
        assertEquals("bank-a", meta(r, "tenant"));
    }
}
