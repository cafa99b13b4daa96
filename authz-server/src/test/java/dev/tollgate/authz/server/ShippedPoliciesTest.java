package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.authz.testsupport.UserTokens;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The repository's shipped policies (policies/) served in-process through jrego, asked by Envoy-shaped checks. */
class ShippedPoliciesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long FAR_FUTURE = 4_102_444_800L;
    static Tollgate tollgate;
    static InProcessTollgate served;
    static ManagedChannel channel;
    static AuthorizationGrpc.AuthorizationBlockingStub authz;

    static Path repoRoot() {
        String root = System.getenv("TOLLGATE_REPO_ROOT");
        assertNotNull(root, "TOLLGATE_REPO_ROOT is not set (surefire sets it, see authz-server/pom.xml)");
        return Path.of(root).toAbsolutePath().normalize();
    }

    static String spiffe(String ns, String sa) {
        return "spiffe://cluster.local/ns/" + ns + "/sa/" + sa;
    }

    @BeforeAll
    static void start() throws Exception {
        Path policies = repoRoot().resolve("policies");
        assertTrue(Files.isDirectory(policies.resolve("bank-a")), policies + " has no bank-a");
        tollgate = new Tollgate(ServerConfig.defaults().withPoliciesDir(policies),
                Engines.of(new RegoEngine(), new WasmEngine(2, Duration.ofSeconds(5))), List.of());
        served = new InProcessTollgate(tollgate);
        channel = served.channel;
        authz = served.authz;
        tollgate.loadTenants();
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
    }

    static CheckRequest check(String source, String destination, String method, String path, String token) {
        var http = Requests.http(method, path);
        if (token != null) {
            http.putHeaders("authorization", "Bearer " + token);
        }
        return Requests.check(source, destination, http).build();
    }

    static List<String> headers(List<HeaderValueOption> headers, String name) {
        return headers.stream().filter(h -> h.getHeader().getKey().equals(name)).map(h -> h.getHeader().getValue())
                .toList();
    }

    static String validToken(String tenant) {
        return UserTokens.token(tenant, "profile transfer:write", FAR_FUTURE);
    }

    static Stream<Arguments> decisions() {
        String bankBTransactions = spiffe("bank-b", "transaction-ms");
        return Stream.of(
                // caller, destination, method, path, token, expected reason code from the policy (null = allowed), status
                Arguments.of(spiffe("bank-a", "api-ms"), bankBTransactions, "POST", "/transfer", null, null, 200),
                Arguments.of(spiffe("bank-b", "statement-ms"), bankBTransactions, "POST", "/transfer",
                        validToken("bank-b"), "caller_not_allowed", 403),
                Arguments.of(spiffe("bank-b", "api-ms"), bankBTransactions, "POST", "/transfer", null,
                        "end_user_token_required", 401),
                Arguments.of(spiffe("bank-b", "api-ms"), bankBTransactions, "POST", "/transfer", validToken("bank-b"),
                        null, 200),
                Arguments.of(spiffe("bank-b", "api-ms"), bankBTransactions, "POST", "/transfer",
                        UserTokens.token("bank-b", "profile", FAR_FUTURE), "insufficient_scope", 403),
                Arguments.of(spiffe("bank-b", "api-ms"), bankBTransactions, "POST", "/transfer",
                        UserTokens.token("bank-b", "transfer:write", 1_000_000_000L), "invalid_token", 401),
                Arguments.of(spiffe("bank-b", "api-ms"), bankBTransactions, "POST", "/transfer",
                        validToken("bank-a"), "invalid_token", 401),
                Arguments.of(spiffe("bank-a", "audit-ms"), bankBTransactions, "POST", "/transfer", null,
                        "cross_tenant_not_granted", 403),
                Arguments.of(spiffe("bank-b", "api-ms"), spiffe("bank-a", "transaction-ms"), "POST", "/transfer", null,
                        "cross_tenant_not_granted", 403),
                Arguments.of(spiffe("bank-a", "api-ms"), spiffe("bank-a", "transaction-ms"), "POST", "/transfer",
                        validToken("bank-a"), null, 200),
                Arguments.of(spiffe("bank-b", "statement-ms"), bankBTransactions, "GET", "/transactions/2026/11", null,
                        null, 200),
                Arguments.of(spiffe("kube-system", "kubelet"), spiffe("bank-a", "ledger-ms"), "GET", "/healthz", null,
                        null, 200),
                Arguments.of(spiffe("bank-a", "api-ms"), spiffe("bank-a", "shadow-ms"), "GET", "/x", null,
                        "unknown_service", 403));
    }

    @ParameterizedTest
    @MethodSource("decisions")
    void shippedPoliciesDecide(String caller, String destination, String method, String path, String token,
                               String policyReason, int status) throws Exception {
        CheckResponse r = authz.check(check(caller, destination, method, path, token));
        String tenant = destination.split("/")[4];
        assertEquals(tenant, r.getDynamicMetadata().getFieldsMap().get("tenant").getStringValue());
        if (policyReason == null) {
            assertTrue(r.hasOkResponse(), r.toString());
            assertEquals(List.of(caller), headers(r.getOkResponse().getHeadersList(), "x-tollgate-caller"));
            return;
        }
        assertFalse(r.hasOkResponse(), r.toString());
        assertEquals(status, r.getDeniedResponse().getStatus().getCodeValue(), r.toString());
        assertEquals("policy_denied", r.getDynamicMetadata().getFieldsMap().get("reason").getStringValue());
        assertTrue(headers(r.getDeniedResponse().getHeadersList(), "x-tollgate-reason").contains(policyReason),
                r.toString());
        JsonNode body = JSON.readTree(r.getDeniedResponse().getBody());
        assertEquals(policyReason, body.get("error").asText());
        assertFalse(body.get("message").asText().isEmpty());
    }

    @Test
    void everyShippedTenantLoadsWithRegoAndTheServerIsServing() {
        assertEquals(List.of("bank-a", "bank-b"), tollgate.registry().names().stream().sorted().toList());
        for (var t : tollgate.registry().tenants()) {
            assertTrue(t.loaded(), t.name() + ": " + t.error().orElse(""));
            assertEquals("rego", t.engine().orElseThrow());
        }
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
    }
}
