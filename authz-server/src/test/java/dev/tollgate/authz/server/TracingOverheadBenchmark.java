package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.telemetry.Tracing;
import dev.tollgate.authz.telemetry.TracingSettings;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.authz.testsupport.TestEngine;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import dev.tollgate.authz.decision.CheckReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
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
 * What tracing costs a Check, the way the gRPC service calls it. {@code pipeline}: the pipeline
 * itself, no tracing code on the path; {@code off}: the service's entry with
 * {@code tracing.enabled: false}; {@code on}: tracing on with every span sampled (check,
 * evaluation and rate-limit spans, parent read from {@code traceparent}) through a batch span
 * processor whose exporter drops the batches, so the export itself (a background thread's work) is
 * not counted. The request carries a
 * {@code traceparent} in all three. A local rate limit applies, so the rate-limit span is made.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TracingOverheadBenchmark {
    @Param({"pipeline", "off", "on"})
    public String tracing;

    private Path dir;
    private Tollgate tollgate;
    private CheckCall call;
    private CheckRequest request;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("tollgate-bench");
        Files.createDirectories(dir.resolve("bank-a"));
        Files.writeString(dir.resolve("bank-a/policy.rego"), "package envoy.authz\n");
        Files.writeString(dir.resolve("bank-a/tenant.yaml"), "rate_limits:\n  default: {rate: 1000000000, per: second}\n");
        Engines engines = Engines.of(new TestEngine(Map.of("bank-a", input -> new EvalResult.Defined(BooleanNode.TRUE))));
        ServerConfig config = ServerConfig.defaults().withPoliciesDir(dir)
                .withTracing(new TracingSettings(tracing.equals("on"), false));
        // The SDK as autoconfiguration builds it (batch processor, always-on sampling), exporting to nowhere.
        Tracing sdk = tracing.equals("on") ? Tracing.of(OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(BatchSpanProcessor.builder(new DiscardingExporter()).build()).build())
                .build(), false) : Tracing.OFF;
        tollgate = new Tollgate(config, engines, List.of(),
                com.github.benmanes.caffeine.cache.Ticker.systemTicker(), sdk);
        tollgate.loadTenants();
        call = tracing.equals("pipeline") ? tollgate.pipeline()::reply : tollgate.grpcCheck();
        request = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                Requests.http("GET", "/api/v1/accounts/4711?limit=50")
                        .putHeaders("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).build();
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

    /** Accepts every batch and drops it. */
    static final class DiscardingExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Benchmark
    public CheckReply check() {
        return call.check(request, Optional.empty());
    }
}
