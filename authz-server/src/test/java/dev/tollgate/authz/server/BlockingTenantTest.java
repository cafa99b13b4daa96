package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks are decided on the transport thread unless their tenant may block: a tenant whose policy
 * waits on {@code http.send} must not stall another tenant's checks on the same connection, and a
 * full blocking executor answers 503 {@code overloaded} at once.
 */
class BlockingTenantTest {
    @TempDir
    Path root;
    private HttpServer upstream;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        // The slow tenant's policy data source: answers only when the test releases it.
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        upstream.createContext("/", exchange -> {
            waiting.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"allow\": true}".getBytes();
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        Path policies = root.resolve("policies");
        Files.createDirectories(policies.resolve("slow"));
        Files.createDirectories(policies.resolve("fast"));
        Files.writeString(policies.resolve("slow/tenant.yaml"), """
                allow_anonymous: true
                evaluation: {timeout_ms: 30000}
                http_send: {allowed_hosts: [127.0.0.1]}
                """);
        Files.writeString(policies.resolve("slow/policy.rego"), """
                package envoy.authz

                allow if http.send({"method": "GET", "url": "http://127.0.0.1:%d/decide", "timeout": "30s"}).body.allow
                """.formatted(upstream.getAddress().getPort()));
        Files.writeString(policies.resolve("fast/tenant.yaml"), "allow_anonymous: true\n");
        Files.writeString(policies.resolve("fast/policy.rego"), "package envoy.authz\n\nallow := true\n");
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        upstream.stop(0);
    }

    private ServerConfig config() {
        return InProcessServerTest.config(root.resolve("policies"))
                .withGrpc(new ServerConfig.Listener("127.0.0.1", 0))
                .withAdmin(new ServerConfig.Listener("127.0.0.1", 0));
    }

    private static CheckRequest to(String tenant) {
        CheckRequest.Builder b = Requests.check(null, null, Requests.http("GET", "/")).build().toBuilder();
        b.getAttributesBuilder().putContextExtensions("tenant", tenant);
        return b.build();
    }

    private static String reason(CheckResponse r) {
        return r.getDynamicMetadata().getFieldsMap().get("reason").getStringValue();
    }

    private static CompletableFuture<CheckResponse> send(AuthorizationGrpc.AuthorizationStub stub, CheckRequest request) {
        CompletableFuture<CheckResponse> f = new CompletableFuture<>();
        stub.check(request, new StreamObserver<>() {
            @Override
            public void onNext(CheckResponse value) {
                f.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        return f;
    }

    @Test
    void aBlockedTenantDoesNotStallOthersOnTheSameConnection() throws Exception {
        TollgateServer server = TollgateServer.start(config(), Engines.of(new RegoEngine()), List.of());
        // One connection: every call on it shares one Netty event loop.
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", server.grpcPort(),
                InsecureChannelCredentials.create()).build();
        try {
            AuthorizationGrpc.AuthorizationStub async = AuthorizationGrpc.newStub(ch);
            List<CompletableFuture<CheckResponse>> slow = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                slow.add(send(async, to("slow")));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (waiting.get() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(8, waiting.get(), "every slow check should be waiting on http.send");
            // While all eight wait, the other tenant is answered on the same connection.
            for (int i = 0; i < 20; i++) {
                CheckResponse fast = AuthorizationGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(to("fast"));
                assertEquals("allowed", reason(fast));
            }
            assertTrue(slow.stream().noneMatch(CompletableFuture::isDone), "slow checks finished early");
            release.countDown();
            for (CompletableFuture<CheckResponse> f : slow) {
                assertEquals("allowed", reason(f.get(20, TimeUnit.SECONDS)));
            }
        } finally {
            ch.shutdownNow();
            server.shutdown();
        }
    }

    @Test
    void aTenantWhosePolicyTurnedSlowLeavesTheTransportThread() throws Exception {
        Path policies = root.resolve("policies");
        Files.createDirectories(policies.resolve("sluggish"));
        Files.writeString(policies.resolve("sluggish/tenant.yaml"), "allow_anonymous: true\n");
        Files.writeString(policies.resolve("sluggish/policy.rego"), "package envoy.authz\n");
        java.util.concurrent.atomic.AtomicBoolean sleepy = new java.util.concurrent.atomic.AtomicBoolean(true);
        var allow = new dev.tollgate.authz.engine.EvalResult.Defined(com.fasterxml.jackson.databind.node.BooleanNode.TRUE);
        Engines engines = Engines.of(dev.tollgate.authz.testsupport.TestEngine.ofValues(java.util.Map.of(
                "sluggish", input -> {
                    if (sleepy.get()) {
                        try {
                            Thread.sleep(3); // far over EvalPace.SLOW_NANOS
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return allow;
                },
                "fast", input -> allow, "slow", input -> allow)));
        Tollgate tollgate = new Tollgate(config(), engines, List.of());
        try {
            tollgate.loadTenants();
            CheckPipeline p = tollgate.pipeline();
            assertFalse(p.mayBlock(to("sluggish")), "starts on the transport thread");
            for (int i = 0; i < 20; i++) {
                assertEquals("allowed", reason(p.check(to("sluggish"), java.util.Optional.empty())));
                p.check(to("fast"), java.util.Optional.empty());
            }
            assertTrue(p.mayBlock(to("sluggish")), "slow evaluations move it to the blocking executor");
            assertFalse(p.mayBlock(to("fast")));
            sleepy.set(false);
            for (int i = 0; i < 100; i++) {
                p.check(to("sluggish"), java.util.Optional.empty());
            }
            assertFalse(p.mayBlock(to("sluggish")), "fast again, back on the transport thread");
        } finally {
            tollgate.close();
        }
    }

    @Test
    void aFullBlockingExecutorAnswersOverloadedAtOnce() throws Exception {
        Tollgate tollgate = new Tollgate(config(), Engines.of(new RegoEngine()), List.of());
        tollgate.loadTenants();
        String name = InProcessServerBuilder.generateName();
        InProcessServerBuilder b = InProcessServerBuilder.forName(name).directExecutor();
        try (BlockingChecks blocking = new BlockingChecks(1, 1)) {
            for (ServerServiceDefinition s : tollgate.services(blocking)) {
                b.addService(s);
            }
            Server server = b.build().start();
            ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
            try {
                AuthorizationGrpc.AuthorizationStub async = AuthorizationGrpc.newStub(ch);
                CompletableFuture<CheckResponse> running = send(async, to("slow"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (waiting.get() < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                CompletableFuture<CheckResponse> queued = send(async, to("slow"));
                // One thread busy, one check queued: the next is refused, not queued.
                CheckResponse refused = AuthorizationGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(to("slow"));
                assertEquals("overloaded", reason(refused));
                assertEquals(503, refused.getDeniedResponse().getStatus().getCodeValue());
                assertTrue(refused.getDeniedResponse().getBody().startsWith("overloaded: "));
                assertEquals("slow", refused.getDynamicMetadata().getFieldsMap().get("tenant").getStringValue());
                // Tenants that cannot block are not affected.
                assertEquals("allowed", reason(AuthorizationGrpc.newBlockingStub(ch).check(to("fast"))));
                assertFalse(running.isDone());
                release.countDown();
                assertEquals("allowed", reason(running.get(20, TimeUnit.SECONDS)));
                assertEquals("allowed", reason(queued.get(20, TimeUnit.SECONDS)));
            } finally {
                ch.shutdownNow();
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            tollgate.close();
        }
    }
}
