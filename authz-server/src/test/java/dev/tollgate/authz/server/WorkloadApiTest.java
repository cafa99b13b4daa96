package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.testsupport.Await;
import com.nimbusds.jose.jwk.ECKey;
import dev.tollgate.authz.identity.IdentityPolicy;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.identity.JwtSvidSettings;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.authz.testsupport.TestJwtSvids;
import dev.tollgate.authz.testsupport.TestSvids;
import dev.tollgate.authz.testsupport.TestSvids.LeafSpec;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import io.spiffe.workloadapi.grpc.SpiffeWorkloadAPIGrpc;
import io.spiffe.workloadapi.grpc.Workload;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tollgate on the SPIFFE Workload API: a Workload API server started here on a Unix socket
 * speaking the real protocol (java-spiffe's generated Workload API stubs over gRPC), serving an
 * SVID and bundles and rotating them while a client holds a connection open.
 */
class WorkloadApiTest {
    @TempDir
    Path dir;

    /** The Workload API's FetchX509SVID stream: every watcher gets the current context, then each rotation. */
    static final class FakeWorkloadApi extends SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase
            implements AutoCloseable {
        private static final Metadata.Key<String> SECURITY_HEADER =
                Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);
        private final List<StreamObserver<Workload.X509SVIDResponse>> watchers = new CopyOnWriteArrayList<>();
        private final List<StreamObserver<Workload.JWTBundlesResponse>> jwtWatchers = new CopyOnWriteArrayList<>();
        private volatile Workload.X509SVIDResponse current;
        private volatile Workload.JWTBundlesResponse currentJwt = Workload.JWTBundlesResponse.getDefaultInstance();
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        private final Server server;

        FakeWorkloadApi(Path socket, Workload.X509SVIDResponse first) throws Exception {
            current = first;
            // As SPIRE does: calls without the security header are refused.
            ServerInterceptor headerCheck = new ServerInterceptor() {
                @Override
                public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                  ServerCallHandler<Q, R> next) {
                    if (!"true".equals(headers.get(SECURITY_HEADER))) {
                        call.close(Status.INVALID_ARGUMENT.withDescription("security header missing from request"),
                                new Metadata());
                        return new ServerCall.Listener<>() {
                        };
                    }
                    return next.startCall(call, headers);
                }
            };
            server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(group).workerEventLoopGroup(group)
                    .addService(ServerInterceptors.intercept(this, headerCheck)).build().start();
        }

        @Override
        public void fetchX509SVID(Workload.X509SVIDRequest request,
                                  StreamObserver<Workload.X509SVIDResponse> observer) {
            watchers.add(observer);
            observer.onNext(current);
        }

        @Override
        public void fetchJWTBundles(Workload.JWTBundlesRequest request,
                                    StreamObserver<Workload.JWTBundlesResponse> observer) {
            jwtWatchers.add(observer);
            observer.onNext(currentJwt);
        }

        void rotateJwt(Workload.JWTBundlesResponse next) {
            currentJwt = next;
            for (StreamObserver<Workload.JWTBundlesResponse> w : jwtWatchers) {
                w.onNext(next);
            }
        }

        void rotate(Workload.X509SVIDResponse next) {
            current = next;
            for (StreamObserver<Workload.X509SVIDResponse> w : watchers) {
                w.onNext(next);
            }
        }

        @Override
        public void close() throws Exception {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    static Workload.X509SVIDResponse context(TestSvids.Issued svid, TestSvids.Issued... cas) throws Exception {
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        for (TestSvids.Issued ca : cas) {
            bundle.write(ca.certificate().getEncoded());
        }
        return Workload.X509SVIDResponse.newBuilder().addSvids(Workload.X509SVID.newBuilder()
                .setSpiffeId(svid.certificate().getSubjectAlternativeNames().iterator().next().get(1).toString())
                .setX509Svid(ByteString.copyFrom(svid.certificate().getEncoded()))
                .setX509SvidKey(ByteString.copyFrom(svid.key().getEncoded()))
                .setBundle(ByteString.copyFrom(bundle.toByteArray()))).build();
    }

    /** Records the server certificate of every handshake; accepts those signed by {@code ca} (no host name check: SVIDs name workloads). */
    static final class RecordingTrust extends X509ExtendedTrustManager {
        final List<X509Certificate> seen = new CopyOnWriteArrayList<>();
        final List<X509Certificate> cas;

        RecordingTrust(X509Certificate... cas) {
            this.cas = List.of(cas);
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            seen.add(chain[0]);
            for (X509Certificate ca : cas) {
                try {
                    chain[0].verify(ca.getPublicKey());
                    return;
                } catch (java.security.GeneralSecurityException e) {
                    // try the next authority
                }
            }
            throw new CertificateException("server certificate is not signed by a known authority");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return cas.toArray(X509Certificate[]::new);
        }
    }

    private ManagedChannel channel(TollgateServer server, TestSvids.Issued client, RecordingTrust trust)
            throws Exception {
        Path cert = TestSvids.write(Files.createTempFile(dir, "client", ".pem"), client.pem());
        Path key = TestSvids.write(Files.createTempFile(dir, "client", ".key"), client.keyPem());
        return Grpc.newChannelBuilderForAddress("localhost", server.grpcPort(), TlsChannelCredentials.newBuilder()
                .keyManager(cert.toFile(), key.toFile()).trustManager(trust).build()).build();
    }

    private static CheckResponse transfer(ManagedChannel channel) {
        CheckRequest request = Requests.check(null, "spiffe://bank-b/trans-ms", Requests.http("POST", "/transfer"))
                .build();
        return AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).check(request);
    }

    private static JsonNode ready(TollgateServer server) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return Fixtures.JSON.readTree(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.adminPort() + "/ready")).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    private static String metrics(TollgateServer server) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    @Test
    void servesMtlsWithTheWorkloadApisSvidAndRotatesWithoutARestart() throws Exception {
        TestSvids.Issued bankA = TestSvids.ca("bank-a");
        TestSvids.Issued bankANext = TestSvids.ca("bank-a");
        TestSvids.Issued first = TestSvids.leaf(bankA, LeafSpec.svid("spiffe://bank-a/tollgate"));
        TestSvids.Issued second = TestSvids.leaf(bankANext, LeafSpec.svid("spiffe://bank-a/tollgate"));
        TestSvids.Issued apiMs = TestSvids.leaf(bankA, LeafSpec.svid("spiffe://bank-a/api-ms"));
        TestSvids.Issued stranger = TestSvids.leaf(TestSvids.ca("bank-a"), LeafSpec.svid("spiffe://bank-a/api-ms"));

        Path socket = Files.createTempDirectory(Path.of("/tmp"), "wl").resolve("agent.sock");
        try (FakeWorkloadApi agent = new FakeWorkloadApi(socket, context(first, bankA))) {
            ServerConfig base = ServerConfig.defaults()
                    .withPoliciesDir(ShippedPoliciesTest.repoRoot().resolve("policies"))
                    .withGrpc(new ServerConfig.Listener("127.0.0.1", 0))
                    .withAdmin(new ServerConfig.Listener("127.0.0.1", 0));
            ServerConfig config = base.withIdentity(base.identity().withWorkloadApi(Optional.of("unix:" + socket), true));
            TollgateServer server = TollgateServer.start(config, Engines.of(new RegoEngine(),
                    new WasmEngine(1, Duration.ofSeconds(5))), List.of());
            RecordingTrust heldTrust = new RecordingTrust(bankA.certificate(), bankANext.certificate());
            ManagedChannel held = channel(server, apiMs, heldTrust);
            try {
                assertTrue(server.listeningLine().endsWith("tls=mtls-workload-api"), server.listeningLine());
                CheckResponse r = transfer(held);
                assertTrue(r.hasOkResponse(), r.toString());
                var identity = r.getDynamicMetadata().getFieldsMap().get("identity").getStructValue().getFieldsMap();
                assertEquals("spiffe://bank-a/api-ms", identity.get("spiffe_id").getStringValue());
                assertEquals("peer_certificate", identity.get("source").getStringValue());
                assertTrue(identity.get("verified").getBoolValue(), "verified against the Workload API's bundle");
                assertEquals(List.of(first.certificate()), heldTrust.seen);
                JsonNode before = ready(server);
                assertEquals("spiffe://bank-a/tollgate", before.at("/workload_api/spiffe_id").asText());
                assertEquals(first.certificate().getNotAfter().toInstant().toString(),
                        before.at("/workload_api/svid_expires").asText());

                // Rotation: a new SVID from a new authority, and a bundle that holds both authorities.
                agent.rotate(context(second, bankA, bankANext));
                Await.await(() -> server.tollgate().workloadApi().orElseThrow().rotations() == 1,
                        "the rotation reaches Tollgate");

                // The connection opened before the rotation keeps working, on its first handshake.
                assertTrue(transfer(held).hasOkResponse());
                assertEquals(List.of(first.certificate()), heldTrust.seen);

                // New connections get the new SVID.
                RecordingTrust freshTrust = new RecordingTrust(bankANext.certificate());
                ManagedChannel fresh = channel(server, apiMs, freshTrust);
                try {
                    assertTrue(transfer(fresh).hasOkResponse());
                    assertEquals(List.of(second.certificate()), freshTrust.seen);
                } finally {
                    fresh.shutdownNow();
                }

                JsonNode after = ready(server);
                assertEquals(second.certificate().getNotAfter().toInstant().toString(),
                        after.at("/workload_api/svid_expires").asText());
                assertEquals(1, after.at("/workload_api/rotations").asInt());
                assertTrue(metrics(server).contains("tollgate_workload_api_svid_rotations_total 1"), metrics(server));

                // A client certificate from an authority outside the bundles is refused in the handshake.
                ManagedChannel refused = channel(server, stranger, new RecordingTrust(bankANext.certificate()));
                try {
                    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> transfer(refused));
                    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
                } finally {
                    refused.shutdownNow();
                }
            } finally {
                held.shutdownNow();
                server.shutdown();
            }
        }
    }

    static Workload.JWTBundlesResponse jwtBundles(String trustDomain, ECKey... keys) {
        return Workload.JWTBundlesResponse.newBuilder().putBundles("spiffe://" + trustDomain,
                ByteString.copyFromUtf8(TestJwtSvids.bundle(null, keys))).build();
    }

    @Test
    void jwtAuthoritiesComeFromTheWorkloadApiToo() throws Exception {
        TestSvids.Issued bankA = TestSvids.ca("bank-a");
        TestSvids.Issued own = TestSvids.leaf(bankA, LeafSpec.svid("spiffe://bank-a/tollgate"));
        TestSvids.Issued apiMs = TestSvids.leaf(bankA, LeafSpec.svid("spiffe://bank-a/api-ms"));
        ECKey firstKey = TestJwtSvids.authority("bank-a-jwt-1");
        ECKey nextKey = TestJwtSvids.authority("bank-a-jwt-2");
        Path socket = Files.createTempDirectory(Path.of("/tmp"), "wl").resolve("agent.sock");
        try (FakeWorkloadApi agent = new FakeWorkloadApi(socket, context(own, bankA))) {
            agent.rotateJwt(jwtBundles("bank-a", firstKey));
            ServerConfig base = ServerConfig.defaults()
                    .withPoliciesDir(ShippedPoliciesTest.repoRoot().resolve("policies"))
                    .withGrpc(new ServerConfig.Listener("127.0.0.1", 0))
                    .withAdmin(new ServerConfig.Listener("127.0.0.1", 0));
            ServerConfig config = base.withIdentity(new IdentityPolicy(List.of(IdentitySource.JWT_SVID), false, Set.of())
                    .withJwtSvid(new JwtSvidSettings("x-jwt-svid", Set.of("tollgate"), JwtSvidSettings.SPEC_ALGORITHMS))
                    .withWorkloadApi(Optional.of("unix:" + socket), true));
            TollgateServer server = TollgateServer.start(config, Engines.of(new RegoEngine(),
                    new WasmEngine(1, Duration.ofSeconds(5))), List.of());
            ManagedChannel channel = channel(server, apiMs, new RecordingTrust(bankA.certificate()));
            try {
                Await.await(() -> !server.tollgate().trustBundles().current().get("bank-a").orElseThrow()
                        .jwtAuthorities().isEmpty(), "JWT authorities from the Workload API");
                String first = TestJwtSvids.token(firstKey, "spiffe://bank-a/api-ms", List.of("tollgate"),
                        Instant.now().plusSeconds(300));
                String next = TestJwtSvids.token(nextKey, "spiffe://bank-a/api-ms", List.of("tollgate"),
                        Instant.now().plusSeconds(300));
                CheckResponse r = transferWithToken(channel, first);
                assertTrue(r.hasOkResponse(), r.toString());
                assertEquals("jwt_svid", r.getDynamicMetadata().getFieldsMap().get("identity").getStructValue()
                        .getFieldsMap().get("source").getStringValue());
                assertEquals("identity_invalid", transferWithToken(channel, next).getDynamicMetadata().getFieldsMap()
                        .get("reason").getStringValue());

                agent.rotateJwt(jwtBundles("bank-a", nextKey));
                Await.await(() -> server.tollgate().trustBundles().current().get("bank-a").orElseThrow()
                        .jwtAuthorities().containsKey("bank-a-jwt-2"), "the JWT bundle rotation");
                assertTrue(transferWithToken(channel, next).hasOkResponse());
                CheckResponse retired = transferWithToken(channel, first);
                assertTrue(retired.getDeniedResponse().getBody().contains("kid 'bank-a-jwt-1' is not a JWT authority"),
                        retired.toString());
                // the X.509 side is untouched by the JWT bundle update
                assertEquals(List.of(bankA.certificate()), server.tollgate().trustBundles().current().get("bank-a")
                        .orElseThrow().x509Authorities());
            } finally {
                channel.shutdownNow();
                server.shutdown();
            }
        }
    }

    private static CheckResponse transferWithToken(ManagedChannel channel, String token) {
        CheckRequest request = Requests.check(null, "spiffe://bank-b/trans-ms",
                Requests.http("POST", "/transfer").putHeaders("x-jwt-svid", token)).build();
        return AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).check(request);
    }

    @Test
    void noWorkloadApiStopsStartupWithAClearError() {
        ServerConfig base = ServerConfig.defaults().withPoliciesDir(ShippedPoliciesTest.repoRoot().resolve("policies"));
        ServerConfig config = base.withIdentity(base.identity().withWorkloadApi(Optional.of("tcp://x"), false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tollgate(config, Engines.of(new RegoEngine(), new WasmEngine(1, Duration.ofSeconds(5))),
                        List.of()));
        assertTrue(e.getMessage().startsWith("identity.workload_api.socket 'tcp://x': "), e.getMessage());
    }
}
