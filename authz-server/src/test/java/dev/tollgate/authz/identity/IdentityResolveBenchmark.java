package dev.tollgate.authz.identity;

import com.nimbusds.jose.jwk.ECKey;
import dev.tollgate.authz.testsupport.TestJwtSvids;
import dev.tollgate.authz.testsupport.TestSvids;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Identity resolution per check: a principal (no verification), and repeated callers whose
 * X.509-SVID (as source.certificate) or JWT-SVID was verified once and is served from the
 * per-credential verdicts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IdentityResolveBenchmark {
    private AttributeContext principal;
    private AttributeContext certificate;
    private AttributeContext token;
    private IdentityResolver unverified;
    private IdentityResolver verified;

    @Setup
    public void setup() throws Exception {
        TestSvids.Issued ca = TestSvids.ca("bank-a");
        ECKey jwt = TestJwtSvids.authority("k1");
        Path dir = Files.createTempDirectory("bench-bundles");
        Path bundle = TestSvids.write(dir.resolve("bank-a.json"), TestJwtSvids.bundle(ca, jwt));
        principal = AttributeContext.newBuilder().setSource(AttributeContext.Peer.newBuilder()
                .setPrincipal("spiffe://bank-a/api-ms")).build();
        certificate = AttributeContext.newBuilder().setSource(AttributeContext.Peer.newBuilder()
                .setCertificate(TestSvids.leaf(ca, TestSvids.LeafSpec.svid("spiffe://bank-a/api-ms")).urlEncodedPem()))
                .build();
        token = AttributeContext.newBuilder().setRequest(AttributeContext.Request.newBuilder().setHttp(
                AttributeContext.HttpRequest.newBuilder().putHeaders("x-jwt-svid", TestJwtSvids.token(jwt,
                        "spiffe://bank-a/api-ms", List.of("tollgate"), Instant.now().plusSeconds(3600))))).build();
        List<IdentitySource> sources = List.of(IdentitySource.PRINCIPAL, IdentitySource.CERTIFICATE,
                IdentitySource.JWT_SVID);
        unverified = new IdentityResolver(new IdentityPolicy(sources, false, Set.of()));
        verified = new IdentityResolver(new IdentityPolicy(sources, false, Set.of())
                .withTrustBundles(Map.of("bank-a", bundle), false)
                .withJwtSvid(new JwtSvidSettings("x-jwt-svid", Set.of("tollgate"), JwtSvidSettings.SPEC_ALGORITHMS)));
    }

    @Benchmark
    public IdentityResult principalWithoutBundles() {
        return unverified.resolve(principal, Optional.empty());
    }

    @Benchmark
    public IdentityResult certificateWithoutBundles() {
        return unverified.resolve(certificate, Optional.empty());
    }

    @Benchmark
    public IdentityResult verifiedCertificateRepeated() {
        return verified.resolve(certificate, Optional.empty());
    }

    @Benchmark
    public IdentityResult verifiedJwtSvidRepeated() {
        return verified.resolve(token, Optional.empty());
    }
}
