package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gRPC health and /ready follow whether every Rego tenant has a compiled policy in service. */
class RegoReadinessTest {
    static final String GOOD = "package envoy.authz\n\nallow := true\n";
    static final String BROKEN = "package envoy.authz\n\nallow := \n";

    @TempDir
    Path root;

    @Test
    void servingOnlyWhileEveryTenantHasAPolicy() throws Exception {
        Path policies = root.resolve("policies");
        Files.createDirectories(policies.resolve("bank-a"));
        Files.createDirectories(policies.resolve("bank-b"));
        Files.writeString(policies.resolve("bank-a/authz.rego"), GOOD);
        Files.writeString(policies.resolve("bank-b/authz.rego"), BROKEN);
        Tollgate tollgate = new Tollgate(ServerConfig.defaults().withPoliciesDir(policies),
                Engines.of(new RegoEngine()), List.of());
        InProcessTollgate served = new InProcessTollgate(tollgate);
        var health = HealthGrpc.newBlockingStub(served.channel);
        HealthCheckRequest all = HealthCheckRequest.newBuilder().setService("").build();
        try {
            tollgate.loadTenants();
            assertEquals(ServingStatus.NOT_SERVING, health.check(all).getStatus());
            ObjectNode ready = AdminServer.readiness(tollgate.registry());
            assertFalse(ready.get("ready").booleanValue());
            assertTrue(ready.at("/tenants/bank-b/error").asText().contains("bank-b/authz.rego:"), ready.toString());
            assertTrue(ready.at("/tenants/bank-a/loaded").booleanValue());
            CheckResponse r = tollgate.pipeline().check(Requests.check("spiffe://cluster.local/ns/bank-b/sa/x",
                    "spiffe://cluster.local/ns/bank-b/sa/y", Requests.http("GET", "/")).build(), Optional.empty());
            assertEquals("tenant_not_ready", r.getDynamicMetadata().getFieldsMap().get("reason").getStringValue());

            Files.writeString(policies.resolve("bank-b/authz.rego"), GOOD);
            tollgate.rescanPolicies();
            assertEquals(ServingStatus.SERVING, health.check(all).getStatus());
            assertTrue(AdminServer.readiness(tollgate.registry()).get("ready").booleanValue());

            // Broken again: the last good policy serves, so the server stays ready and says why.
            Files.writeString(policies.resolve("bank-b/authz.rego"), BROKEN);
            tollgate.rescanPolicies();
            assertEquals(ServingStatus.SERVING, health.check(all).getStatus());
            ready = AdminServer.readiness(tollgate.registry());
            assertTrue(ready.get("ready").booleanValue());
            assertTrue(ready.at("/tenants/bank-b/loaded").booleanValue());
            assertTrue(ready.at("/tenants/bank-b/error").asText().contains("rego_parse_error"), ready.toString());
        } finally {
            served.close();
        }
    }
}
