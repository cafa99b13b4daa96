package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
            InProcessServerTest.assertGrpcAnswersAreThePipelinesMessages(AuthorizationGrpc.newBlockingStub(ch),
                    server.tollgate());

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

    /** The health status that the server's own health service reports now (in-process, as gRPC is closing). */
    static ServingStatus healthOf(TollgateServer server) throws Exception {
        String name = io.grpc.inprocess.InProcessServerBuilder.generateName();
        io.grpc.Server probe = io.grpc.inprocess.InProcessServerBuilder.forName(name).directExecutor()
                .addService(server.tollgate().services().get(1)).build().start();
        ManagedChannel ch = io.grpc.inprocess.InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            return HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            ch.shutdownNow();
            probe.shutdownNow();
        }
    }

    @Test
    void shutdownTurnsHealthNotServingAndLetsInFlightChecksFinish() throws Exception {
        Fixtures.resetSlow();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        TollgateServer server = TollgateServer.start(loopback(Fixtures.policies(root)), Fixtures.engines(), List.of());
        ManagedChannel ch = channel(server, InsecureChannelCredentials.create());
        try {
            assertEquals(ServingStatus.SERVING, healthOf(server));
            // own threads, not the common pool, which a blocked check could starve
            CompletableFuture<CheckResponse> inFlight = CompletableFuture.supplyAsync(
                    () -> AuthorizationGrpc.newBlockingStub(ch).check(Requests.get("/slow")), threads);
            assertTrue(Fixtures.SLOW_ENTERED.await(20, TimeUnit.SECONDS));
            java.util.concurrent.atomic.AtomicLong stoppedAt = new java.util.concurrent.atomic.AtomicLong();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                server.shutdown();
                stoppedAt.set(System.nanoTime());
            }, threads);
            dev.tollgate.authz.testsupport.Await.await(() -> {
                try {
                    return healthOf(server) == ServingStatus.NOT_SERVING;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "health to turn NOT_SERVING once shutdown starts");
            long releasedAt = System.nanoTime();
            assertTrue(!stopping.isDone(), "shutdown is still waiting for the in-flight check");
            Fixtures.RELEASE_SLOW.countDown();
            assertEquals(Status.Code.OK.value(), inFlight.get(20, TimeUnit.SECONDS).getStatus().getCode(),
                    "the in-flight check finished with its answer");
            stopping.get(20, TimeUnit.SECONDS);
            assertTrue(stoppedAt.get() > releasedAt, "shutdown returned " + (releasedAt - stoppedAt.get()) / 1_000_000
                    + " ms before the in-flight check was released");
            assertThrows(IOException.class, () -> get(server, "/health"));
        } finally {
            Fixtures.RELEASE_SLOW.countDown();
            threads.shutdown();
            ch.shutdownNow();
            Files.list(root).close();
        }
    }

    @Test
    void inFlightChecksAreCancelledAfterTheGracePeriod() throws Exception {
        Fixtures.resetSlow();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        Path config = root.resolve("grace.yaml");
        Files.writeString(config, "grpc: {shutdown_grace_seconds: 1}\n");
        ServerConfig base = loopback(Fixtures.policies(root.resolve("policies")));
        // A check that never ends must be one that may block: such tenants (here: http.send enabled) are
        // decided off the transport thread, which stays free to cancel the call when the grace ends.
        Files.writeString(base.policiesDir().resolve("bank-a/tenant.yaml"),
                "http_send: {allowed_hosts: [bank-a.example]}\n");
        ServerConfig cfg = ServerConfig.load(Optional.of(config)).withPoliciesDir(base.policiesDir())
                .withGrpc(base.grpc()).withAdmin(base.admin()).withIdentity(base.identity()).withTenancy(base.tenancy());
        assertEquals(java.time.Duration.ofSeconds(1), cfg.shutdownGrace());
        TollgateServer server = TollgateServer.start(cfg, Fixtures.engines(), List.of());
        ManagedChannel ch = channel(server, InsecureChannelCredentials.create());
        try {
            CompletableFuture<CheckResponse> inFlight = CompletableFuture.supplyAsync(
                    () -> AuthorizationGrpc.newBlockingStub(ch).check(Requests.get("/slow")), threads);
            assertTrue(Fixtures.SLOW_ENTERED.await(20, TimeUnit.SECONDS));
            long start = System.nanoTime();
            server.shutdown();   // the slow check is never released: the grace period ends it
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs >= 900, "shutdown waited the grace period first, took " + tookMs + " ms");
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> inFlight.get(20, TimeUnit.SECONDS));
            StatusRuntimeException cancelled = assertInstanceOf(StatusRuntimeException.class, e.getCause());
            assertTrue(cancelled.getStatus().getCode() == Status.Code.CANCELLED
                    || cancelled.getStatus().getCode() == Status.Code.UNAVAILABLE, cancelled.getStatus().toString());
        } finally {
            Fixtures.RELEASE_SLOW.countDown();
            threads.shutdown();
            ch.shutdownNow();
        }
    }

    @Test
    void callMetadataOverTheLimitIsRefused() throws Exception {
        Path config = root.resolve("metadata.yaml");
        Files.writeString(config, "grpc: {max_inbound_metadata_bytes: 4096}\n");
        ServerConfig base = loopback(Fixtures.policies(root.resolve("policies")));
        ServerConfig cfg = ServerConfig.load(Optional.of(config)).withPoliciesDir(base.policiesDir())
                .withGrpc(base.grpc()).withAdmin(base.admin()).withIdentity(base.identity()).withTenancy(base.tenancy());
        assertEquals(4096, cfg.maxInboundMetadataBytes());
        TollgateServer server = TollgateServer.start(cfg, Fixtures.engines(), List.of());
        ManagedChannel ch = channel(server, InsecureChannelCredentials.create());
        try {
            var authz = AuthorizationGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
            io.grpc.Metadata.Key<String> key = io.grpc.Metadata.Key.of("x-padding", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
            io.grpc.Metadata small = new io.grpc.Metadata();
            small.put(key, "p".repeat(1000));
            CheckResponse ok = authz.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(small))
                    .check(Requests.get("/accounts"));
            assertEquals(Status.Code.OK.value(), ok.getStatus().getCode(), ok.toString());
            io.grpc.Metadata big = new io.grpc.Metadata();
            big.put(key, "p".repeat(8000));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> authz
                    .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(big))
                    .check(Requests.get("/accounts")));
            // The server advertises the limit (HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE); the call is refused.
            assertEquals(Status.Code.INTERNAL, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(String.valueOf(e.getCause()).contains("Header size exceeded max allowed size (4096)"),
                    e.getStatus().toString());
        } finally {
            ch.shutdownNow();
            server.shutdown();
        }
    }

    @Test
    void withRequireClientCertFalseCallersWithAndWithoutCertificatesAreServed() throws Exception {
        TestPki pki = TestPki.get();
        ServerConfig cfg = loopback(Fixtures.policies(root)).withTls(new ServerConfig.Tls(Optional.of(pki.serverCert),
                Optional.of(pki.serverKey), Optional.of(pki.caCert), false));
        TollgateServer server = TollgateServer.start(cfg, Fixtures.engines(), List.of());
        ManagedChannel mtls = channel(server, TlsChannelCredentials.newBuilder()
                .keyManager(pki.clientCert.toFile(), pki.clientKey.toFile()).trustManager(pki.caCert.toFile()).build());
        ManagedChannel noClientCert = channel(server, TlsChannelCredentials.newBuilder()
                .trustManager(pki.caCert.toFile()).build());
        try {
            CheckResponse withCert = AuthorizationGrpc.newBlockingStub(mtls)
                    .check(Requests.check(null, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/accounts")).build());
            assertEquals(Status.Code.OK.value(), withCert.getStatus().getCode(), withCert.toString());
            assertEquals("peer_certificate", withCert.getDynamicMetadata().getFieldsMap().get("identity")
                    .getStructValue().getFieldsMap().get("source").getStringValue());
            // Without a certificate the handshake succeeds; with no identity at all the policy's tenant denies 401.
            CheckResponse without = AuthorizationGrpc.newBlockingStub(noClientCert).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(Requests.check(null, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/accounts")).build());
            assertEquals(401, without.getDeniedResponse().getStatus().getCodeValue(), without.toString());
            assertEquals("identity_missing", without.getDynamicMetadata().getFieldsMap().get("reason").getStringValue());
            CheckResponse withPrincipal = AuthorizationGrpc.newBlockingStub(noClientCert)
                    .check(Requests.get("/accounts"));
            assertEquals(Status.Code.OK.value(), withPrincipal.getStatus().getCode(), withPrincipal.toString());
        } finally {
            mtls.shutdownNow();
            noClientCert.shutdownNow();
            server.shutdown();
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
