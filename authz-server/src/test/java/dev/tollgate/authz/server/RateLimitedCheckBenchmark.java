package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.authz.testsupport.TestEngine;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import dev.tollgate.authz.decision.CheckReply;
import io.grpc.Drainable;
import java.io.InputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole Check pipeline (tenant, identity, input document, a constant-true policy, stages,
 * metrics, response) for an allowed request, with and without a local rate limit that admits it:
 * the difference is what the rate-limit stage adds to a Check. The decision log is off.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimitedCheckBenchmark {
    @Param({"none", "local"})
    public String limits;

    private Path dir;
    private Tollgate tollgate;
    private CheckRequest request;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("tollgate-bench");
        Files.createDirectories(dir.resolve("bank-a"));
        Files.writeString(dir.resolve("bank-a/policy.rego"), "package envoy.authz\n");
        if (limits.equals("local")) {
            Files.writeString(dir.resolve("bank-a/tenant.yaml"), """
                    rate_limits:
                      default: {rate: 1000000000, per: second}
                      rules:
                        - {name: partner, match: {trust_domain: partner.example}, rate: 10, per: second}
                        - {name: teller, match: {namespace: bank-a, method: GET, path: "/api/v1/accounts/*"}, rate: 1000000000, per: second}
                    """);
        }
        Engines engines = Engines.of(TestEngine.ofValues(Map.of("bank-a", input -> new EvalResult.Defined(BooleanNode.TRUE))));
        tollgate = new Tollgate(ServerConfig.defaults().withPoliciesDir(dir), engines, List.of());
        tollgate.loadTenants();
        request = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                Requests.http("GET", "/api/v1/accounts/4711?limit=50")).build();
        if (!check().message().hasOkResponse()) {
            throw new IllegalStateException("benchmark request should be allowed");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        tollgate.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The Check up to the reply the gRPC service writes (not yet encoded). */
    @Benchmark
    public CheckReply check() {
        return tollgate.pipeline().reply(request, Optional.empty());
    }

    private final WireSink sink = new WireSink();

    /** The Check and its response as the gRPC service marshals it (drained as the transport drains it). */
    @Benchmark
    public long checkToWire() throws IOException {
        CheckReply r = tollgate.pipeline().reply(request, Optional.empty());
        try (InputStream in = AuthorizationService.CHECK.streamResponse(r)) {
            return ((Drainable) in).drainTo(sink);
        }
    }
}
