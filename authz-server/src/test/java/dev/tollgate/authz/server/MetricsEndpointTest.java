package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tollgate.authz.config.ServerConfig;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on the real admin listener, checked by Prometheus' own promtool. */
class MetricsEndpointTest {
    @TempDir
    Path root;

    static final List<String> FAMILIES = List.of("tollgate_checks_total", "tollgate_check_duration_seconds",
            "tollgate_policy_eval_errors_total", "tollgate_ratelimit_decisions_total",
            "tollgate_ratelimit_redis_calls_total", "tollgate_ratelimit_redis_errors_total",
            "tollgate_ratelimit_fallbacks_total", "tollgate_ratelimit_breaker_state", "tollgate_tenant_ready",
            "tollgate_decision_log_written_total", "tollgate_decision_log_dropped_total",
            "tollgate_decision_log_write_errors_total", "tollgate_build_info", "jvm_memory_used_bytes",
            "jvm_memory_committed_bytes", "jvm_memory_max_bytes", "jvm_threads_current", "jvm_threads_daemon",
            "jvm_threads_peak", "process_uptime_seconds");

    @Test
    void metricsAfterSomeChecksPassPromtool() throws Exception {
        ServerConfig config = InProcessServerTest.config(RateLimitHarness.policies(root.resolve("policies")))
                .withGrpc(new ServerConfig.Listener("127.0.0.1", 0))
                .withAdmin(new ServerConfig.Listener("127.0.0.1", 0));
        TollgateServer server = TollgateServer.start(config, RateLimitHarness.engines(), List.of());
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("localhost", server.grpcPort(),
                InsecureChannelCredentials.create()).build();
        try {
            var authz = AuthorizationGrpc.newBlockingStub(ch);
            for (int i = 0; i < 3; i++) {
                authz.check(RateLimitCheckTest.request(RateLimitHarness.TELLER, RateLimitHarness.BANK_A, "GET", "/a"));
            }
            authz.check(RateLimitCheckTest.request(RateLimitHarness.TELLER, RateLimitHarness.BANK_A, "POST", "/a"));
            authz.check(RateLimitCheckTest.request(RateLimitHarness.TELLER, "spiffe://cluster.local/ns/zz/sa/x",
                    "GET", "/a"));
            authz.check(RateLimitCheckTest.request(RateLimitHarness.TELLER, RateLimitHarness.BANK_B, "GET", "/bad-limit"));

            HttpResponse<String> response;
            try (HttpClient client = HttpClient.newHttpClient()) {
                response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(405, post.statusCode());
            }
            assertEquals(200, response.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    response.headers().firstValue("content-type").orElse(""));
            String body = response.body();
            for (String family : FAMILIES) {
                assertTrue(body.contains("# TYPE " + family + " "), family + " missing:\n" + body);
            }
            assertTrue(body.contains("tollgate_checks_total{tenant=\"bank-a\",decision=\"deny\",reason=\"rate_limited\"} 1\n"), body);
            assertTrue(body.contains("tollgate_checks_total{tenant=\"bank-a\",decision=\"deny\",reason=\"policy_denied\"} 1\n"), body);
            assertTrue(body.contains("tollgate_checks_total{tenant=\"\",decision=\"deny\",reason=\"unknown_tenant\"} 1\n"), body);
            assertTrue(body.contains("tollgate_checks_total{tenant=\"bank-b\",decision=\"allow\",reason=\"evaluation_error_fail_open\"} 1\n"), body);
            assertTrue(body.contains("tollgate_ratelimit_breaker_state{state=\"disabled\"} 1\n"), body);
            assertFalse(body.contains("spiffe://"), "no SPIFFE IDs in labels");
            promtool(body);
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdown();
        }
    }

    /** Runs {@code promtool check metrics} (format and lint); skipped without promtool unless CI=true. */
    private void promtool(String exposition) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            String message = "promtool is not installed; install it with 'apt-get install -y prometheus' (.ci/run does this)";
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        Path input = root.resolve("metrics.txt");
        Files.writeString(input, exposition);
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectInput(input.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + output + "\n--- input ---\n" + exposition);
        assertEquals("", output.strip(), output);
    }
}
