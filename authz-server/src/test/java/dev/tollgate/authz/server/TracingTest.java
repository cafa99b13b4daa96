package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.telemetry.Tracing;
import dev.tollgate.authz.telemetry.TracingSettings;
import dev.tollgate.authz.testsupport.Await;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing end to end: checks carrying W3C and B3 parents, over gRPC and HTTP, are exported over
 * OTLP/gRPC to a receiver in the test, which decodes the spans; the decision log names the same
 * trace and span.
 */
class TracingTest {
    static final String TRACE_W3C = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT_W3C = "00f067aa0ba902b7";
    static final String TRACE_B3 = "80f198ee56343ba864fe8b2a57d3eff7";
    static final String PARENT_B3 = "e457b5a2e4d86bd1";
    static final String TRACE_B3_MULTI = "463ac35c9f6413ad48485a3953bb6124";
    static final String PARENT_B3_MULTI = "0020000000000001";

    @TempDir
    Path root;

    /** Spans as the receiver decoded them, with their resource's service name. */
    record Received(Span span, String service) {
    }

    @Test
    void checksAreExportedWithTheCallersTraceAndLoggedWithIt() throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        Server receiver = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new TraceServiceGrpc.TraceServiceImplBase() {
                    @Override
                    public void export(ExportTraceServiceRequest request,
                                       StreamObserver<ExportTraceServiceResponse> response) {
                        for (ResourceSpans rs : request.getResourceSpansList()) {
                            String service = attribute(rs.getResource().getAttributesList(), "service.name");
                            for (ScopeSpans ss : rs.getScopeSpansList()) {
                                ss.getSpansList().forEach(s -> received.add(new Received(s, service)));
                            }
                        }
                        response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                        response.onCompleted();
                    }
                }).build().start();
        Path policies = root.resolve("policies");
        Files.createDirectories(policies.resolve("bank-a"));
        Files.writeString(policies.resolve("bank-a/authz.rego"), """
                package envoy.authz

                import rego.v1

                default allow := false

                allow if input.identity.namespace == "bank-a"
                """);
        Files.writeString(policies.resolve("bank-a/tenant.yaml"), "rate_limits:\n  default: {rate: 1000, per: second}\n");
        Path log = root.resolve("decisions.jsonl");
        Path config = root.resolve("tollgate.yaml");
        Files.writeString(config, """
                grpc: {address: 127.0.0.1, port: 0}
                http: {address: 127.0.0.1, port: 0}
                admin: {address: 127.0.0.1, port: 0}
                policies: {watch: false}
                identity: {trust_xfcc: true}
                decision_log: {output: %s}
                tracing: {enabled: true, include_caller: true}
                """.formatted(log));
        ServerConfig cfg = ServerConfig.load(Optional.of(config)).withPoliciesDir(policies);
        Tracing tracing = Tracing.start(cfg.tracing(), Map.of(
                "otel.exporter.otlp.protocol", "grpc",
                "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + receiver.getPort(),
                "otel.bsp.schedule.delay", "100",
                "otel.traces.sampler", "parentbased_always_on"));
        TollgateServer server = TollgateServer.start(cfg, Engines.of(new RegoEngine()), List.of(), tracing);
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.grpcPort(),
                InsecureChannelCredentials.create()).build();
        try {
            AuthorizationGrpc.AuthorizationBlockingStub grpc = AuthorizationGrpc.newBlockingStub(channel);
            CheckRequest w3c = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/accounts")
                    .putHeaders("traceparent", "00-" + TRACE_W3C + "-" + PARENT_W3C + "-01")
                    .putHeaders("tracestate", "vendor=1")).build();
            assertEquals(0, grpc.check(w3c).getStatus().getCode());
            CheckRequest b3Multi = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/x")
                    .putHeaders("x-b3-traceid", TRACE_B3_MULTI).putHeaders("x-b3-spanid", PARENT_B3_MULTI)
                    .putHeaders("x-b3-sampled", "1")).build();
            assertEquals(0, grpc.check(b3Multi).getStatus().getCode());
            try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.httpPort() + "/tenants/bank-a/accounts"))
                        .header("b3", TRACE_B3 + "-" + PARENT_B3 + "-1")
                        .header("x-forwarded-client-cert", "Hash=ab;URI=" + Requests.CALLER).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
            }
            tracing.flush();
            try {
                Await.await(() -> checkSpan(received, TRACE_W3C) != null && checkSpan(received, TRACE_B3) != null
                        && checkSpan(received, TRACE_B3_MULTI) != null, "check spans of all three traces exported");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; received " + received.stream()
                        .map(r -> r.span().getName() + "@" + hex(r.span().getTraceId())).toList(), e);
            }

            Received grpcCheck = checkSpan(received, TRACE_W3C);
            Span check = grpcCheck.span();
            assertEquals("tollgate", grpcCheck.service());
            assertEquals(PARENT_W3C, hex(check.getParentSpanId()));
            assertEquals(Span.SpanKind.SPAN_KIND_SERVER, check.getKind());
            assertEquals("bank-a", attribute(check.getAttributesList(), "tollgate.tenant"));
            assertEquals("allow", attribute(check.getAttributesList(), "tollgate.decision"));
            assertEquals("allowed", attribute(check.getAttributesList(), "tollgate.reason"));
            assertEquals("grpc", attribute(check.getAttributesList(), "tollgate.protocol"));
            assertEquals(Requests.CALLER, attribute(check.getAttributesList(), "tollgate.caller"));
            assertTrue(attribute(check.getAttributesList(), "tollgate.policy_revision").startsWith("sha256:"));
            assertEquals(1, children(received, check, "tollgate.evaluate").size(), "one evaluation span");
            assertEquals(1, children(received, check, "tollgate.rate_limit").size(), "one rate-limit span");
            assertEquals("rego", attribute(children(received, check, "tollgate.evaluate").getFirst().getAttributesList(),
                    "tollgate.engine"));

            Span httpCheck = checkSpan(received, TRACE_B3).span();
            assertEquals(PARENT_B3, hex(httpCheck.getParentSpanId()));
            assertEquals("http", attribute(httpCheck.getAttributesList(), "tollgate.protocol"));
            assertEquals("bank-a", attribute(httpCheck.getAttributesList(), "tollgate.tenant"));
            assertEquals(1, children(received, httpCheck, "tollgate.evaluate").size());
            assertEquals(PARENT_B3_MULTI, hex(checkSpan(received, TRACE_B3_MULTI).span().getParentSpanId()));

            server.shutdown(); // writes what the decision log holds
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> lines = Files.readAllLines(log).stream().map(l -> {
                try {
                    return json.readTree(l);
                } catch (Exception e) {
                    throw new AssertionError(l, e);
                }
            }).toList();
            assertEquals(3, lines.size(), lines.toString());
            JsonNode grpcLine = lines.stream().filter(l -> l.path("trace_id").asText().equals(TRACE_W3C)).findFirst()
                    .orElseThrow(() -> new AssertionError("no decision-log line with the caller's trace: " + lines));
            assertEquals(hex(check.getSpanId()), grpcLine.get("span_id").asText());
            JsonNode httpLine = lines.stream().filter(l -> l.path("trace_id").asText().equals(TRACE_B3)).findFirst()
                    .orElseThrow();
            assertEquals(hex(httpCheck.getSpanId()), httpLine.get("span_id").asText());
            assertEquals("/accounts", httpLine.get("path").asText());
        } finally {
            channel.shutdownNow();
            server.shutdown();
            receiver.shutdownNow();
        }
    }

    @Test
    void tracingIsOffUnlessEnabledAndSomethingRecordsSpans() {
        assertFalse(Tracing.start(new TracingSettings(false, true)).enabled());
        assertFalse(ServerConfig.defaults().tracing().enabled());
        // Exporter none: the SDK would only echo callers' span ids, so tracing stays off.
        assertFalse(Tracing.start(new TracingSettings(true, false), Map.of("otel.traces.exporter", "none")).enabled());
    }

    private static Received checkSpan(List<Received> spans, String traceId) {
        return spans.stream().filter(r -> r.span().getName().equals(TracedChecks.SPAN_NAME)
                && hex(r.span().getTraceId()).equals(traceId)).findFirst().orElse(null);
    }

    private static List<Span> children(List<Received> spans, Span parent, String name) {
        return spans.stream().map(Received::span).filter(s -> s.getName().equals(name)
                && s.getTraceId().equals(parent.getTraceId()) && s.getParentSpanId().equals(parent.getSpanId())).toList();
    }

    private static String attribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(kv -> kv.getValue().getStringValue())
                .findFirst().orElse(null);
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }
}
