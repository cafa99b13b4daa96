package dev.tollgate.authz.server;

import static dev.tollgate.authz.server.InProcessServerTest.assertAllowed;
import static dev.tollgate.authz.server.InProcessServerTest.assertDenied;
import static dev.tollgate.authz.server.InProcessServerTest.header;
import static dev.tollgate.authz.server.InProcessServerTest.reason;
import static dev.tollgate.authz.server.RateLimitHarness.AUDITOR;
import static dev.tollgate.authz.server.RateLimitHarness.BANK_A;
import static dev.tollgate.authz.server.RateLimitHarness.BANK_B;
import static dev.tollgate.authz.server.RateLimitHarness.BANK_C;
import static dev.tollgate.authz.server.RateLimitHarness.TELLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.ratelimit.RedisSettings;
import dev.tollgate.authz.telemetry.DecisionLogSettings;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits decided in the same Check as the policy, through in-process gRPC. */
class RateLimitCheckTest {
    @TempDir
    Path root;
    RateLimitHarness h;
    Path decisions;

    @BeforeEach
    void start() throws Exception {
        decisions = root.resolve("decisions.jsonl");
        h = new RateLimitHarness(RateLimitHarness.policies(root.resolve("policies")), InProcessServerTest
                .config(root).withDecisionLog(new DecisionLogSettings(true, Optional.of(decisions), 1.0, 1000)));
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    static CheckRequest request(String caller, String destination, String method, String path) {
        return Requests.check(caller, destination, Requests.http(method, path)).build();
    }

    static Map<String, String> headers(List<HeaderValueOption> headers) {
        return headers.stream().collect(java.util.stream.Collectors.toMap(o -> o.getHeader().getKey(),
                o -> o.getHeader().getValue()));
    }

    static String metadata(CheckResponse r, String key) {
        var v = r.getDynamicMetadata().getFieldsMap().get(key);
        return v == null ? null : v.getStringValue();
    }

    CheckResponse check(String caller, String destination, String method, String path) {
        return h.authz.check(request(caller, destination, method, path));
    }

    @Test
    void twoCallsAMinuteThenA429WithHeadersReasonAndKey() {
        assertAllowed(check(TELLER, BANK_A, "GET", "/accounts"));
        assertAllowed(check(TELLER, BANK_A, "GET", "/accounts?page=2"));
        CheckResponse third = check(TELLER, BANK_A, "GET", "/accounts");
        assertDenied(third, "rate_limited", 429);
        Map<String, String> headers = headers(third.getDeniedResponse().getHeadersList());
        assertEquals("2", headers.get("ratelimit-limit"));
        assertEquals("0", headers.get("ratelimit-remaining"));
        assertEquals("60", headers.get("ratelimit-reset"));
        assertEquals("30", headers.get("retry-after"));
        assertEquals("teller", metadata(third, "ratelimit_name"));
        assertEquals(TELLER, metadata(third, "ratelimit_key"));
        assertTrue(third.getDeniedResponse().getBody().startsWith("rate_limited: limit teller exceeded"),
                third.getDeniedResponse().getBody());
        assertEquals(com.google.rpc.Code.PERMISSION_DENIED_VALUE, third.getStatus().getCode());

        h.advanceSeconds(30); // one token back
        assertAllowed(check(TELLER, BANK_A, "GET", "/accounts"));
        assertDenied(check(TELLER, BANK_A, "GET", "/accounts"), "rate_limited", 429);
    }

    @Test
    void anotherCallerIsUnaffected() {
        for (int i = 0; i < 2; i++) {
            assertAllowed(check(TELLER, BANK_A, "GET", "/accounts"));
        }
        assertDenied(check(TELLER, BANK_A, "GET", "/accounts"), "rate_limited", 429);
        // The auditor matches no rule and bank-a has no default: unlimited.
        for (int i = 0; i < 10; i++) {
            CheckResponse r = check(AUDITOR, BANK_A, "GET", "/accounts");
            assertAllowed(r);
            assertNull(metadata(r, "ratelimit_key"));
        }
    }

    @Test
    void deniesDoNotConsumeTokens() {
        for (int i = 0; i < 5; i++) {
            assertDenied(check(TELLER, BANK_A, "POST", "/transfers"), "policy_denied", 403);
        }
        assertAllowed(check(TELLER, BANK_A, "GET", "/accounts"));
        assertAllowed(check(TELLER, BANK_A, "GET", "/accounts"));
        assertDenied(check(TELLER, BANK_A, "GET", "/accounts"), "rate_limited", 429);
        // A deny by the limiter stays a deny and is not counted again either.
        assertDenied(check(TELLER, BANK_A, "POST", "/transfers"), "policy_denied", 403);
    }

    @Test
    void aDenyByAnEarlierStageIsNotCountedByTheLimiter() throws Exception {
        DecisionStage blocker = (ctx, d) -> ctx.request().getAttributes().getRequest().getHttp().getPath()
                .equals("/blocked") ? d.deniedBy(new dev.tollgate.authz.decision.Reason("blocked", 403), "no") : d;
        try (RateLimitHarness staged = new RateLimitHarness(root.resolve("policies"), InProcessServerTest.config(root),
                List.of(blocker))) {
            for (int i = 0; i < 5; i++) {
                assertDenied(staged.authz.check(request(TELLER, BANK_A, "GET", "/blocked")), "blocked", 403);
            }
            assertAllowed(staged.authz.check(request(TELLER, BANK_A, "GET", "/accounts")));
            assertAllowed(staged.authz.check(request(TELLER, BANK_A, "GET", "/accounts")));
            assertDenied(staged.authz.check(request(TELLER, BANK_A, "GET", "/accounts")), "rate_limited", 429);
            String metrics = staged.tollgate.metrics().scrape();
            assertTrue(metrics.contains(
                    "tollgate_checks_total{tenant=\"bank-a\",decision=\"deny\",reason=\"other\"} 5\n"), metrics);
        }
    }

    @Test
    void thePolicyChoosesTheKeyAndTierAndCallersSharingTheKeyShareTheBucket() {
        CheckResponse first = check(AUDITOR, BANK_A, "GET", "/policy-limit");
        assertAllowed(first);
        CheckResponse second = check(TELLER, BANK_A, "GET", "/policy-limit");
        assertDenied(second, "rate_limited", 429);
        assertEquals("acct-42", metadata(second, "ratelimit_key"));
        assertEquals("tier:gold", metadata(second, "ratelimit_name"));
        assertEquals("acct-42", metadata(second, "account"), "the policy's own metadata is kept");
        assertEquals("1", headers(second.getDeniedResponse().getHeadersList()).get("ratelimit-limit"));
        // The policy's limit replaced the teller rule for that request: the teller's own budget is intact.
        assertAllowed(check(TELLER, BANK_A, "GET", "/accounts"));
        assertAllowed(check(TELLER, BANK_A, "GET", "/accounts"));
    }

    @Test
    void aMalformedRateLimitFromThePolicyIsAnEvaluationErrorUnderTheTenantsFailMode() {
        CheckResponse closed = check(TELLER, BANK_A, "GET", "/bad-limit");
        assertDenied(closed, "evaluation_error", 403);
        assertFalse(closed.getDeniedResponse().getBody().contains("key"), "no internal message to the caller");
        CheckResponse open = check(TELLER, BANK_B, "GET", "/bad-limit");
        assertAllowed(open);
        assertEquals("evaluation_error_fail_open", reason(open));
        String metrics = h.tollgate.metrics().scrape();
        assertTrue(metrics.contains("tollgate_policy_eval_errors_total{tenant=\"bank-a\"} 1\n"), metrics);
        assertTrue(metrics.contains("tollgate_policy_eval_errors_total{tenant=\"bank-b\"} 1\n"), metrics);
        assertTrue(metrics.contains("tollgate_ratelimit_decisions_total{tenant=\"bank-a\",result=\"policy_error\"} 1\n"),
                metrics);
    }

    @Test
    void budgetHeadersOnAllowedResponsesWhenTheTenantAsks() {
        CheckResponse first = check(TELLER, BANK_B, "GET", "/statements");
        assertAllowed(first);
        Map<String, String> added = headers(first.getOkResponse().getResponseHeadersToAddList());
        assertEquals(Map.of("ratelimit-limit", "2", "ratelimit-remaining", "1", "ratelimit-reset", "30"), added);
        assertEquals(List.of(), first.getOkResponse().getHeadersList(), "nothing added to the upstream request");
        CheckResponse second = check(TELLER, BANK_B, "GET", "/statements");
        assertEquals("0", headers(second.getOkResponse().getResponseHeadersToAddList()).get("ratelimit-remaining"));
        assertDenied(check(TELLER, BANK_B, "GET", "/statements"), "rate_limited", 429);
        // bank-a does not ask: allowed responses carry no budget.
        CheckResponse a = check(TELLER, BANK_A, "GET", "/accounts");
        assertEquals(0, a.getOkResponse().getResponseHeadersToAddCount());
    }

    @Test
    void aRedisTenantWithoutServerRedisSettingsFailsToLoad() {
        var tenant = h.tollgate.registry().get("bank-c").orElseThrow();
        assertFalse(tenant.loaded());
        assertTrue(tenant.error().orElseThrow().contains("rate_limits.counters is redis, but the server has no redis"),
                tenant.error().orElseThrow());
        assertDenied(check(TELLER, BANK_C, "GET", "/x"), "tenant_not_ready", 503);
        String metrics = h.tollgate.metrics().scrape();
        assertTrue(metrics.contains("tollgate_tenant_ready{tenant=\"bank-c\"} 0\n"), metrics);
        assertTrue(metrics.contains("tollgate_tenant_ready{tenant=\"bank-a\"} 1\n"), metrics);
    }

    @Test
    void unreachableRedisWithOnRedisFailureDenyIsA503() throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = probe.getLocalPort();
        }
        RedisSettings redis = new RedisSettings("127.0.0.1", deadPort, Duration.ofMillis(100), "t:", 10, 4, 50,
                Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (RateLimitHarness withRedis = new RateLimitHarness(root.resolve("policies"),
                InProcessServerTest.config(root).withRedis(Optional.of(redis)))) {
            CheckResponse r = withRedis.authz.check(request(TELLER, BANK_C, "GET", "/x"));
            assertDenied(r, "rate_limit_unavailable", 503);
            assertEquals("1", header(r.getDeniedResponse().getHeadersList(), "retry-after"));
            assertEquals(TELLER, metadata(r, "ratelimit_key"));
            String metrics = withRedis.tollgate.metrics().scrape();
            assertTrue(metrics.contains(
                    "tollgate_ratelimit_decisions_total{tenant=\"bank-c\",result=\"unavailable\"} 1\n"), metrics);
            assertTrue(metrics.contains("tollgate_checks_total{tenant=\"bank-c\",decision=\"deny\","
                    + "reason=\"rate_limit_unavailable\"} 1\n"), metrics);
        }
    }

    @Test
    void metricsAndTheDecisionLogSeeTheLimitedCheck() throws Exception {
        check(TELLER, BANK_A, "GET", "/accounts");
        check(TELLER, BANK_A, "GET", "/accounts");
        CheckResponse limited = check(TELLER, BANK_A, "GET", "/accounts?secret=1");
        String metrics = h.tollgate.metrics().scrape();
        assertTrue(metrics.contains(
                "tollgate_checks_total{tenant=\"bank-a\",decision=\"allow\",reason=\"allowed\"} 2\n"), metrics);
        assertTrue(metrics.contains(
                "tollgate_checks_total{tenant=\"bank-a\",decision=\"deny\",reason=\"rate_limited\"} 1\n"), metrics);
        assertTrue(metrics.contains("tollgate_ratelimit_decisions_total{tenant=\"bank-a\",result=\"allowed\"} 2\n"),
                metrics);
        assertTrue(metrics.contains("tollgate_ratelimit_decisions_total{tenant=\"bank-a\",result=\"limited\"} 1\n"),
                metrics);
        assertTrue(metrics.contains("tollgate_check_duration_seconds_count{tenant=\"bank-a\"} 3\n"), metrics);
        assertFalse(metrics.contains("spiffe://"), "no SPIFFE IDs in labels");

        h.tollgate.close(); // flushes the decision log
        List<String> lines = Files.readAllLines(decisions);
        assertEquals(3, lines.size(), lines.toString());
        JsonNode last = RateLimitHarness.JSON.readTree(lines.get(2));
        assertEquals(metadata(limited, "decision_id"), last.get("decision_id").textValue());
        assertEquals("bank-a", last.get("tenant").textValue());
        assertEquals(TELLER, last.at("/caller/spiffe_id").textValue());
        assertEquals("principal", last.at("/caller/source").textValue());
        assertEquals("GET", last.get("method").textValue());
        assertEquals("/accounts", last.get("path").textValue(), "no query string");
        assertFalse(last.get("allowed").booleanValue());
        assertEquals("rate_limited", last.get("reason").textValue());
        assertEquals(429, last.get("http_status").intValue());
        assertEquals(h.tollgate.registry().get("bank-a").orElseThrow().revision(),
                last.get("policy_revision").textValue());
        assertEquals(TELLER, last.get("rate_limit_key").textValue());
        assertFalse(RateLimitHarness.JSON.readTree(lines.get(0)).has("rate_limit_key"));
    }
}
