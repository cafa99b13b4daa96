package dev.tollgate.authz.server;

import static dev.tollgate.authz.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicyEngine;
import dev.tollgate.authz.engine.PolicySource;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.rollout.CandidateConfig;
import dev.tollgate.authz.telemetry.DecisionLogSettings;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tenant's candidate policy decides sampled checks off the Check path and never changes a live answer. */
class CandidatePolicyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String LIVE = """
            package envoy.authz

            default allow := false

            allow if input.attributes.request.http.method == "GET"
            """;
    static final String CANDIDATE = """
            package envoy.authz

            default allow := false

            allow if input.attributes.request.http.method in {"GET", "POST"}
            """;

    @TempDir
    Path root;

    private Path tree(String name, String rego) throws Exception {
        Path dir = root.resolve(name);
        Files.createDirectories(dir.resolve("bank-a"));
        Files.writeString(dir.resolve("bank-a/authz.rego"), rego);
        return dir;
    }

    private Tollgate tollgate(Engines engines, Path candidates, int queueSize, DecisionLogSettings log)
            throws Exception {
        ServerConfig config = ServerConfig.defaults().withPoliciesDir(tree("policies", LIVE)).withDecisionLog(log)
                .withCandidates(new CandidateConfig(queueSize,
                        List.of(new CandidateConfig.Tenant("bank-a", candidates, 1.0))));
        Tollgate t = new Tollgate(config, engines, List.of());
        t.loadTenants();
        return t;
    }

    static CheckResponse check(Tollgate t, String method) {
        return t.pipeline().check(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                Requests.http(method, "/accounts?id=7")).build(), Optional.empty());
    }

    static long sample(Tollgate t, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.e+]+)$").matcher(t.metrics().scrape());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    static String decisions(String live, String candidate) {
        return "tollgate_candidate_decisions_total{tenant=\"bank-a\",live=\"" + live + "\",candidate=\"" + candidate
                + "\"}";
    }

    @Test
    void differencesAreCountedAndLoggedWithBothReasons() throws Exception {
        Path file = root.resolve("decisions.jsonl");
        DecisionLogSettings log = DecisionLogSettings.of(file.toString(), 0.0, 100);
        try (Tollgate t = tollgate(Engines.of(new RegoEngine()), tree("next", CANDIDATE), 100, log)) {
            assertEquals(1, sample(t, "tollgate_candidate_ready{tenant=\"bank-a\"}"));
            for (String method : List.of("GET", "GET", "POST", "DELETE")) {
                CheckResponse r = check(t, method);
                assertEquals(method.equals("GET"), r.hasOkResponse(), method + " decided by the live policy");
            }
            await(() -> sample(t, decisions("allow", "allow")) + sample(t, decisions("deny", "allow"))
                    + sample(t, decisions("deny", "deny")) == 4, "four candidate decisions");
            assertEquals(2, sample(t, decisions("allow", "allow")));
            assertEquals(1, sample(t, decisions("deny", "allow")));
            assertEquals(1, sample(t, decisions("deny", "deny")));
            assertEquals(0, sample(t, decisions("allow", "deny")));
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            lines.add(JSON.readTree(l));
        }
        // Two live denies (allows are not sampled), and one line for the difference.
        List<JsonNode> differing = lines.stream().filter(l -> l.has("candidate")).toList();
        assertEquals(3, lines.size(), lines.toString());
        assertEquals(1, differing.size(), lines.toString());
        JsonNode d = differing.getFirst();
        assertEquals("POST", d.get("method").textValue());
        assertEquals("/accounts", d.get("path").textValue());
        assertEquals(false, d.get("allowed").booleanValue());
        assertEquals("policy_denied", d.get("reason").textValue());
        assertEquals(403, d.get("http_status").intValue());
        assertEquals(Requests.CALLER, d.at("/caller/spiffe_id").textValue());
        assertEquals(true, d.at("/candidate/allowed").booleanValue());
        assertEquals("allowed", d.at("/candidate/reason").textValue());
        assertTrue(d.at("/candidate/policy_revision").textValue().startsWith("sha256:"));
        String postId = d.get("decision_id").textValue();
        assertTrue(lines.stream().anyMatch(l -> !l.has("candidate") && l.get("decision_id").textValue().equals(postId)),
                "the live line and the difference share the decision id");
    }

    /** Live policies (from policies/) allow; candidates (from next/) do what the test says. */
    static Engines engines(Function<JsonNode, EvalResult> candidate) {
        return Engines.of(new PolicyEngine() {
            @Override
            public String name() {
                return "rego";
            }

            @Override
            public LoadResult load(PolicySource source) {
                boolean isCandidate = source.location().contains("next");
                return new LoadResult.Loaded(new CompiledPolicy() {
                    @Override
                    public EvalResult evaluate(dev.tollgate.rego.value.Value input) {
                        return isCandidate ? candidate.apply(dev.tollgate.rego.value.Json.toJackson(input))
                                : new EvalResult.Defined(JSON.getNodeFactory().booleanNode(true));
                    }
                });
            }
        });
    }

    @Test
    void aHangingCandidateNeitherDelaysNorChangesLiveAnswers() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Engines engines = engines(input -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new EvalResult.Defined(JSON.getNodeFactory().booleanNode(false));
        });
        try (Tollgate t = tollgate(engines, tree("next", CANDIDATE), 2, DecisionLogSettings.OFF)) {
            assertTrue(check(t, "GET").hasOkResponse());
            assertTrue(entered.await(30, java.util.concurrent.TimeUnit.SECONDS), "the candidate is evaluating");
            // The worker is stuck: two checks fill the queue, the rest are dropped, all are answered by the live policy.
            for (int i = 0; i < 50; i++) {
                CheckResponse r = check(t, "POST");
                assertTrue(r.hasOkResponse());
                assertEquals("allowed", r.getDynamicMetadata().getFieldsMap().get("reason").getStringValue());
            }
            assertEquals(48, sample(t, "tollgate_candidate_dropped_total"));
            release.countDown();
            await(() -> sample(t, decisions("allow", "deny")) == 3, "the queued checks decided once released");
        }
    }

    @Test
    void aThrowingCandidateIsCountedAndNeverAnswers() throws Exception {
        Engines engines = engines(input -> {
            throw new IllegalStateException("candidate bug");
        });
        try (Tollgate t = tollgate(engines, tree("next", CANDIDATE), 100, DecisionLogSettings.OFF)) {
            for (int i = 0; i < 5; i++) {
                assertTrue(check(t, "DELETE").hasOkResponse());
            }
            await(() -> sample(t, "tollgate_candidate_failures_total") == 5, "five failures counted");
            assertEquals(0, sample(t, decisions("allow", "deny")));
        }
    }

    @Test
    void aBrokenCandidateLeavesTheLiveTenantAloneAndReloadsWhenFixed() throws Exception {
        Path next = tree("next", "package envoy.authz\n\nallow := \n");
        try (Tollgate t = tollgate(Engines.of(new RegoEngine()), next, 100, DecisionLogSettings.OFF)) {
            assertTrue(t.registry().allLoaded());
            assertEquals(0, sample(t, "tollgate_candidate_ready{tenant=\"bank-a\"}"));
            assertEquals(1, sample(t, "tollgate_candidate_load_failures_total{tenant=\"bank-a\"}"));
            assertTrue(check(t, "GET").hasOkResponse());
            await(() -> sample(t, "tollgate_candidate_skipped_total") == 1, "the check skipped by the candidate");

            Files.writeString(next.resolve("bank-a/authz.rego"), CANDIDATE);
            t.rescanPolicies();
            assertEquals(1, sample(t, "tollgate_candidate_ready{tenant=\"bank-a\"}"));
            assertTrue(check(t, "POST").hasDeniedResponse());
            await(() -> sample(t, decisions("deny", "allow")) == 1, "the fixed candidate decides");

            // Broken again: the last good candidate stays.
            Files.writeString(next.resolve("bank-a/authz.rego"), "package envoy.authz\n\nallow := \n");
            t.rescanPolicies();
            assertEquals(1, sample(t, "tollgate_candidate_ready{tenant=\"bank-a\"}"));
            assertEquals(2, sample(t, "tollgate_candidate_load_failures_total{tenant=\"bank-a\"}"));
            assertTrue(check(t, "POST").hasDeniedResponse());
            await(() -> sample(t, decisions("deny", "allow")) == 2, "the last good candidate decides");
        }
    }
}
