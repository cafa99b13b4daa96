package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.authz.testsupport.TestPki;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Netty listener on loopback: plain, TLS, mTLS peer identity, admin endpoints, shutdown. */
class NettyServerTest {
    @TempDir
    Path root;

    private ServerConfig loopback(Path policies) {
        return InProcessServerTest.config(policies)
                .withGrpc(new ServerConfig.Listener("127.0.0.1", 0))
                .withAdmin(new ServerConfig.Listener("127.0.0.1", 0));
    }

    private static ManagedChannel channel(TollgateServer server, ChannelCredentials credentials) {
        return Grpc.newChannelBuilderForAddress("localhost", server.grpcPort(), credentials).build();
    }

    private static HttpResponse<String> get(TollgateServer server, String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void plaintextCheckAdminEndpointsAndTransportLimits() throws Exception {
        TollgateServer server = TollgateServer.start(loopback(Fixtures.policies(root)), Fixtures.engines(), List.of());
        ManagedChannel ch = channel(server, InsecureChannelCredentials.create());
        try {
            assertTrue(server.listeningLine().matches(
                    "tollgate listening grpc=127\\.0\\.0\\.1:\\d+ http=127\\.0\\.0\\.1:\\d+ admin=127\\.0\\.0\\.1:\\d+ tls=off"), server.listeningLine());
            CheckResponse r = AuthorizationGrpc.newBlockingStub(ch).check(Requests.get("/accounts"));
            assertEquals(Status.Code.OK.value(), r.getStatus().getCode());

            assertEquals(200, get(server, "/health").statusCode());
            HttpResponse<String> ready = get(server, "/ready");
            assertEquals(200, ready.statusCode());
            JsonNode body = Fixtures.JSON.readTree(ready.body());
            assertEquals("wasm", body.at("/tenants/demo/engine").asText());
            assertTrue(body.at("/tenants/bank-a/loaded").asBoolean());
            assertTrue(body.at("/tenants/bank-a/revision").asText().startsWith("sha256:"));
            assertTrue(body.at("/tenants").has("bank-b"));
            assertTrue(!body.at("/tenants").has("shared"), "shared/ is a library, not a tenant");

            // Over the inbound message limit: rejected by the transport, never INTERNAL.
            CheckRequest huge = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                    Requests.http("POST", "/").setBody("x".repeat(5 * 1024 * 1024))).build();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> AuthorizationGrpc.newBlockingStub(ch).check(huge));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        } finally {
            ch.shutdownNow();
            server.shutdown();
        }
    }

    @Test
    void mtlsPeerCertificateIsTheIdentity() throws Exception {
        TestPki pki = TestPki.get();
        ServerConfig cfg = loopback(Fixtures.policies(root)).withTls(new ServerConfig.Tls(Optional.of(pki.serverCert),
                Optional.of(pki.serverKey), Optional.of(pki.caCert), true));
        TollgateServer server = TollgateServer.start(cfg, Fixtures.engines(), List.of());
        ManagedChannel mtls = channel(server, TlsChannelCredentials.newBuilder()
                .keyManager(pki.clientCert.toFile(), pki.clientKey.toFile()).trustManager(pki.caCert.toFile()).build());
        ManagedChannel noClientCert = channel(server, TlsChannelCredentials.newBuilder()
                .trustManager(pki.caCert.toFile()).build());
        try {
            assertTrue(server.listeningLine().endsWith("tls=mtls"));
            // No principal in the request: the identity is the caller's own TLS certificate.
            CheckResponse r = AuthorizationGrpc.newBlockingStub(mtls)
                    .check(Requests.check(null, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/accounts")).build());
            assertEquals(Status.Code.OK.value(), r.getStatus().getCode(), r.toString());
            var identity = r.getDynamicMetadata().getFieldsMap().get("identity").getStructValue().getFieldsMap();
            assertEquals(TestPki.CLIENT_ID, identity.get("spiffe_id").getStringValue());
            assertEquals("peer_certificate", identity.get("source").getStringValue());

            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> AuthorizationGrpc
                    .newBlockingStub(noClientCert).withDeadlineAfter(10, TimeUnit.SECONDS).check(Requests.get("/")));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        } finally {
            mtls.shutdownNow();
            noClientCert.shutdownNow();
            server.shutdown();
        }
    }

    @Test
    void tlsWithoutClientCertificates() throws Exception {
        TestPki pki = TestPki.get();
        ServerConfig cfg = loopback(Fixtures.policies(root)).withTls(new ServerConfig.Tls(Optional.of(pki.serverCert),
                Optional.of(pki.serverKey), Optional.empty(), true));
        TollgateServer server = TollgateServer.start(cfg, Fixtures.engines(), List.of());
        ManagedChannel tls = channel(server, TlsChannelCredentials.newBuilder().trustManager(pki.caCert.toFile()).build());
        try {
            assertEquals(Status.Code.OK.value(),
                    AuthorizationGrpc.newBlockingStub(tls).check(Requests.get("/accounts")).getStatus().getCode());
        } finally {
            tls.shutdownNow();
            server.shutdown();
        }
    }

    @Test
    void regoTenantWithoutRegoEngineIsReportedNotReady() throws Exception {
        Path policies = Fixtures.policies(root);
        TollgateServer server = TollgateServer.start(loopback(policies),
                Engines.of(new WasmEngine(1, java.time.Duration.ofSeconds(1))), List.of());
        ManagedChannel ch = channel(server, InsecureChannelCredentials.create());
        try {
            HttpResponse<String> ready = get(server, "/ready");
            assertEquals(503, ready.statusCode());
            JsonNode body = Fixtures.JSON.readTree(ready.body());
            assertEquals("rego engine not available", body.at("/tenants/bank-a/error").asText());
            assertEquals("rego", body.at("/tenants/bank-a/engine").asText());
            assertTrue(body.at("/tenants/demo/loaded").asBoolean());
            assertEquals(ServingStatus.NOT_SERVING, HealthGrpc.newBlockingStub(ch)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus());
            CheckResponse r = AuthorizationGrpc.newBlockingStub(ch).check(Requests.get("/"));
            assertEquals("tenant_not_ready", r.getDynamicMetadata().getFieldsMap().get("reason").getStringValue());
            assertEquals(503, r.getDeniedResponse().getStatus().getCodeValue());
        } finally {
            ch.shutdownNow();
            server.shutdown();
        }
    }

    @Test
    void shutdownLetsInFlightChecksFinish() throws Exception {
        TollgateServer server = TollgateServer.start(loopback(Fixtures.policies(root)), Fixtures.engines(), List.of());
        ManagedChannel ch = channel(server, InsecureChannelCredentials.create());
        try {
            CompletableFuture<CheckResponse> inFlight = CompletableFuture.supplyAsync(
                    () -> AuthorizationGrpc.newBlockingStub(ch).check(Requests.get("/slow")));
            assertTrue(Fixtures.SLOW_ENTERED.await(20, TimeUnit.SECONDS));
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::shutdown);
            assertTrue(!stopping.isDone());
            Fixtures.RELEASE_SLOW.countDown();
            assertEquals(Status.Code.OK.value(), inFlight.get(20, TimeUnit.SECONDS).getStatus().getCode());
            stopping.get(20, TimeUnit.SECONDS);
            assertThrows(IOException.class, () -> get(server, "/health"));
        } finally {
            ch.shutdownNow();
            Files.list(root).close();
        }
    }

    @Test
    void listeningLineNamesAddressesOneCanDial() {
        assertEquals("0.0.0.0:9191", TollgateServer.hostPort(new java.net.InetSocketAddress("::", 9191), "0.0.0.0"));
        assertEquals("[::]:9191", TollgateServer.hostPort(new java.net.InetSocketAddress("::", 9191), "::"));
        assertEquals("127.0.0.1:8181", TollgateServer.hostPort(new java.net.InetSocketAddress("127.0.0.1", 8181), "127.0.0.1"));
        assertEquals("[0:0:0:0:0:0:0:1]:5", TollgateServer.hostPort(new java.net.InetSocketAddress("::1", 5), "::1"));
    }
}
