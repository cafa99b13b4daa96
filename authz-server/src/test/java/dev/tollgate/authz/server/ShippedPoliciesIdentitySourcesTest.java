package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.identity.IdentityPolicy;
import dev.tollgate.authz.identity.IdentitySource;
import com.nimbusds.jose.jwk.ECKey;
import dev.tollgate.authz.identity.JwtSvidSettings;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.authz.testsupport.TestJwtSvids;
import dev.tollgate.authz.testsupport.TestPki;
import dev.tollgate.authz.testsupport.TestSvids;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped policies decide on {@code input.identity}, so every identity source reaches the
 * same decision: each source alone in {@code identity.sources}, the caller's SPIFFE ID carried
 * only by that source, in both ID shapes (Kubernetes and a bank's own trust domain).
 */
class ShippedPoliciesIdentitySourcesTest {
    @TempDir
    Path dir;

    static final TestSvids.Issued CLUSTER_CA = TestSvids.ca("cluster.local");
    static final TestSvids.Issued BANK_A_CA = TestSvids.ca("bank-a");
    static final ECKey CLUSTER_JWT = TestJwtSvids.authority("cluster-jwt-1");
    static final ECKey BANK_A_JWT = TestJwtSvids.authority("bank-a-jwt-1");

    static Stream<Arguments> cases() {
        String k8sDest = "spiffe://cluster.local/ns/bank-b/sa/transaction-ms";
        String bankDest = "spiffe://bank-b/trans-ms";
        Stream.Builder<Arguments> b = Stream.builder();
        for (IdentitySource source : IdentitySource.values()) {
            // source, caller, destination, expected policy reason (null = allowed)
            b.add(Arguments.of(source, "spiffe://cluster.local/ns/bank-a/sa/api-ms", k8sDest, null));
            b.add(Arguments.of(source, "spiffe://bank-a/api-ms", bankDest, null));
            b.add(Arguments.of(source, "spiffe://bank-a/api-ms", k8sDest, null));
            b.add(Arguments.of(source, "spiffe://cluster.local/ns/bank-a/sa/audit-ms", bankDest, "cross_tenant_not_granted"));
            b.add(Arguments.of(source, "spiffe://bank-a/audit-ms", bankDest, "cross_tenant_not_granted"));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("cases")
    void everyIdentitySourceReachesThePolicy(IdentitySource source, String caller, String destination, String reason)
            throws Exception {
        IdentityPolicy policy = new IdentityPolicy(List.of(source), source == IdentitySource.XFCC, Set.of());
        if (source == IdentitySource.JWT_SVID) {
            // Not the default authorization header: the shipped policies read end-user tokens there.
            policy = policy.withTrustBundles(Map.of(
                    "cluster.local", TestSvids.write(dir.resolve("cluster.json"), TestJwtSvids.bundle(CLUSTER_CA, CLUSTER_JWT)),
                    "bank-a", TestSvids.write(dir.resolve("bank-a.json"), TestJwtSvids.bundle(BANK_A_CA, BANK_A_JWT))),
                    true).withJwtSvid(new JwtSvidSettings("x-jwt-svid", Set.of("tollgate"), JwtSvidSettings.SPEC_ALGORITHMS));
        }
        ServerConfig config = ServerConfig.defaults().withPoliciesDir(ShippedPoliciesTest.repoRoot().resolve("policies"))
                .withIdentity(policy);
        TestSvids.Issued svid = TestSvids.leaf(caller.startsWith("spiffe://bank-a/") ? BANK_A_CA : CLUSTER_CA,
                TestSvids.LeafSpec.svid(caller));
        var http = Requests.http("POST", "/transfer");
        CheckRequest.Builder request = Requests.check(null, destination, null);
        switch (source) {
            case PRINCIPAL -> request.getAttributesBuilder().getSourceBuilder().setPrincipal(caller);
            case CERTIFICATE -> request.getAttributesBuilder().getSourceBuilder().setCertificate(svid.urlEncodedPem());
            case XFCC -> http.putHeaders("x-forwarded-client-cert", "By=spiffe://cluster.local/ns/bank-b/sa/transaction-ms;URI="
                            + caller);
            case JWT_SVID -> http.putHeaders("x-jwt-svid", TestJwtSvids.token(
                    caller.startsWith("spiffe://bank-a/") ? BANK_A_JWT : CLUSTER_JWT, caller, List.of("tollgate"),
                    Instant.now().plusSeconds(300)));
            default -> {
            }
        }
        request.getAttributesBuilder().getRequestBuilder().setHttp(http);
        CheckResponse r = source == IdentitySource.PEER_CERTIFICATE
                ? overMtls(config, svid, request.build())
                : inProcess(config, request.build());
        String tenant = r.getDynamicMetadata().getFieldsMap().get("tenant").getStringValue();
        assertEquals("bank-b", tenant, r.toString());
        var identity = r.getDynamicMetadata().getFieldsMap().get("identity").getStructValue().getFieldsMap();
        assertEquals(caller, identity.get("spiffe_id").getStringValue(), r.toString());
        assertEquals(source.wireName(), identity.get("source").getStringValue());
        assertEquals(source == IdentitySource.JWT_SVID, identity.get("verified").getBoolValue());
        if (reason == null) {
            assertTrue(r.hasOkResponse(), r.toString());
            assertEquals(List.of(caller), ShippedPoliciesTest.headers(r.getOkResponse().getHeadersList(),
                    "x-tollgate-caller"));
        } else {
            assertFalse(r.hasOkResponse(), r.toString());
            assertEquals(List.of(reason), ShippedPoliciesTest.headers(r.getDeniedResponse().getHeadersList(),
                    "x-tollgate-reason"), r.toString());
        }
    }

    private static Engines engines() {
        return Engines.of(new RegoEngine(), new WasmEngine(1, Duration.ofSeconds(5)));
    }

    private static CheckResponse inProcess(ServerConfig config, CheckRequest request) throws Exception {
        Tollgate tollgate = new Tollgate(config, engines(), List.of());
        try (InProcessTollgate served = new InProcessTollgate(tollgate)) {
            tollgate.loadTenants();
            return served.authz.check(request);
        }
    }

    private CheckResponse overMtls(ServerConfig config, TestSvids.Issued svid, CheckRequest request) throws Exception {
        TestPki pki = TestPki.get();
        Path clientCas = TestSvids.write(dir.resolve("client-cas.pem"), CLUSTER_CA.pem(), BANK_A_CA.pem());
        Path cert = TestSvids.write(dir.resolve("svid.pem"), svid.pem());
        Path key = TestSvids.write(dir.resolve("svid.key"), svid.keyPem());
        ServerConfig tls = config.withGrpc(new ServerConfig.Listener("127.0.0.1", 0))
                .withAdmin(new ServerConfig.Listener("127.0.0.1", 0))
                .withTls(new ServerConfig.Tls(Optional.of(pki.serverCert), Optional.of(pki.serverKey),
                        Optional.of(clientCas), true));
        TollgateServer server = TollgateServer.start(tls, engines(), List.of());
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", server.grpcPort(),
                TlsChannelCredentials.newBuilder().keyManager(cert.toFile(), key.toFile())
                        .trustManager(pki.caCert.toFile()).build()).build();
        try {
            return AuthorizationGrpc.newBlockingStub(channel).check(request);
        } finally {
            channel.shutdownNow();
            server.shutdown();
        }
    }
}
