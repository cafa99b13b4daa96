package dev.tollgate.authz.server;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import dev.tollgate.authz.decision.CheckReply;
import io.grpc.Drainable;
import java.io.InputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole Check (CheckRequest → CheckResponse through {@link CheckPipeline}: tenant, identity,
 * input document, jrego, decision, rate-limit stage, metrics, response) for a small OPA-Envoy-style
 * policy that reads the method, {@code parsed_path}, {@code parsed_query} and {@code parsed_body}
 * of a ~1 KB request with 20 headers and a JSON body. The decision log is off.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SmallPolicyCheckBenchmark {
    static final String POLICY = """
            package envoy.authz

            default allow := false

            allow if {
                input.attributes.request.http.method == "POST"
                input.parsed_path == ["api", "v1", "transfers"]
                input.parsed_query.dry_run == ["false"]
                input.parsed_body.amount < 1000
            }
            """;

    private Path dir;
    private Tollgate tollgate;
    private CheckRequest request;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("tollgate-bench");
        Files.createDirectories(dir.resolve("bank-a"));
        Files.writeString(dir.resolve("bank-a/policy.rego"), POLICY);
        tollgate = new Tollgate(ServerConfig.defaults().withPoliciesDir(dir), Engines.of(new RegoEngine()), List.of());
        tollgate.loadTenants();
        request = request();
        CheckReply r = check();
        if (!r.message().hasOkResponse()) {
            throw new IllegalStateException("benchmark request should be allowed: " + r);
        }
    }

    static CheckRequest request() {
        String body = "{\"amount\": 250, \"currency\": \"EUR\", \"to\": \"DE89370400440532013000\", \"reference\": \"invoice 2026-114\"}";
        AttributeContext.HttpRequest.Builder http = Requests.http("POST", "/api/v1/transfers?dry_run=false")
                .putHeaders("accept", "application/json")
                .putHeaders("accept-encoding", "gzip, deflate, br")
                .putHeaders("authorization", "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZWxsZXIifQ.c2lnbmF0dXJl")
                .putHeaders("content-type", "application/json")
                .putHeaders("content-length", Integer.toString(body.length()))
                .putHeaders("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7")
                .putHeaders("x-b3-spanid", "e457b5a2e4d86bd1")
                .putHeaders("x-b3-parentspanid", "05e3ac9a4f6e3b90")
                .putHeaders("x-b3-sampled", "1")
                .putHeaders("x-envoy-attempt-count", "1")
                .putHeaders("x-forwarded-proto", "http")
                .putHeaders("x-envoy-internal", "true")
                .putHeaders("traceparent", "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01")
                .putHeaders("cookie", "session=9f8e7d6c5b4a39281706")
                .putHeaders("x-tenant-hint", "bank-a")
                .setBody(body);
        CheckRequest r = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, http).build();
        if (r.getAttributes().getRequest().getHttp().getHeadersCount() != 20) {
            throw new IllegalStateException("benchmark request should carry 20 headers");
        }
        return r;
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
