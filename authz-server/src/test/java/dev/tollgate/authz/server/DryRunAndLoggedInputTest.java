package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Value;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.telemetry.DecisionLogSettings;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mode: dry_run} answers every deny as an allow that says what it would have been; logged inputs are masked. */
class DryRunAndLoggedInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String POLICY = """
            package envoy.authz

            default allow := false

            allow if input.attributes.request.http.method == "GET"
            """;
    static final String MASKS = """
            package system.log

            mask contains "/input/attributes/request/http/headers/x-api-key"

            mask contains "/input/attributes/request/http/body"

            mask contains {"op": "upsert", "path": "/input/parsed_body/card", "value": "****"}

            mask contains "/result/never_logged"
            """;
    static final String TOKEN = "Bearer eyJhbGciOiJIUzI1NiJ9.s3cr3t-token";
    static final String API_KEY = "ak_live_0123456789";
    static final String CARD = "4111111111111111";
    static final String COOKIE = "session=cookie-s3cr3t";

    @TempDir
    Path root;

    private Tollgate tollgate(String bankATenantYaml, DecisionLogSettings log) throws Exception {
        Path policies = root.resolve("policies");
        for (String t : List.of("bank-a", "bank-b")) {
            Files.createDirectories(policies.resolve(t));
            Files.writeString(policies.resolve(t).resolve("authz.rego"), POLICY);
            Files.writeString(policies.resolve(t).resolve("log.rego"), MASKS);
        }
        Files.writeString(policies.resolve("bank-a/tenant.yaml"), bankATenantYaml);
        Tollgate t = new Tollgate(ServerConfig.defaults().withPoliciesDir(policies).withDecisionLog(log),
                Engines.of(new RegoEngine()), List.of());
        t.loadTenants();
        return t;
    }

    static CheckRequest request(String tenant, String method) {
        return Requests.check("spiffe://cluster.local/ns/" + tenant + "/sa/teller",
                "spiffe://cluster.local/ns/" + tenant + "/sa/ledger", Requests.http(method, "/transfers?x=1")
                        .putHeaders("authorization", TOKEN).putHeaders("Cookie", COOKIE)
                        .putHeaders("x-api-key", API_KEY).putHeaders("content-type", "application/json")
                        .setBody("{\"card\": \"" + CARD + "\", \"amount\": 10}")).build();
    }

    static Map<String, Value> metadata(CheckResponse r) {
        return r.getDynamicMetadata().getFieldsMap();
    }

    @Test
    void dryRunAllowsWhatItWouldDenyAndSaysWhy() throws Exception {
        Path file = root.resolve("decisions.jsonl");
        DecisionLogSettings log = DecisionLogSettings.of(file.toString(), 1.0, 100);
        List<CheckResponse> responses = new ArrayList<>();
        try (Tollgate t = tollgate("mode: dry_run\nrate_limits:\n  default: {rate: 1, per: hour}\n", log)) {
            responses.add(t.pipeline().check(request("bank-a", "DELETE"), Optional.empty())); // policy denies
            responses.add(t.pipeline().check(request("bank-a", "GET"), Optional.empty()));    // allowed
            responses.add(t.pipeline().check(request("bank-a", "GET"), Optional.empty()));    // over the limit
            responses.add(t.pipeline().check(request("bank-b", "DELETE"), Optional.empty())); // enforced tenant
            responses.add(t.pipeline().check(Requests.check(null, "spiffe://cluster.local/ns/bank-a/sa/ledger",
                    Requests.http("GET", "/")).build(), Optional.empty()));                       // no identity
            String metrics = t.metrics().scrape();
            assertFalse(metrics.contains("tollgate_candidate_"), "no candidate machinery without candidates");
            assertTrue(metrics.contains(
                    "tollgate_checks_total{tenant=\"bank-a\",decision=\"allow\",reason=\"dry_run_would_deny\"} 3"),
                    metrics);
        }
        CheckResponse denied = responses.get(0);
        assertEquals(0, denied.getStatus().getCode());
        assertTrue(denied.hasOkResponse());
        assertEquals("dry_run_would_deny", metadata(denied).get("reason").getStringValue());
        assertEquals("policy_denied", metadata(denied).get("would_deny_reason").getStringValue());
        assertEquals("allowed", metadata(responses.get(1)).get("reason").getStringValue());
        CheckResponse limited = responses.get(2);
        assertTrue(limited.hasOkResponse());
        assertEquals("rate_limited", metadata(limited).get("would_deny_reason").getStringValue());
        assertTrue(limited.getOkResponse().getResponseHeadersToAddList().isEmpty());
        CheckResponse enforced = responses.get(3);
        assertTrue(enforced.hasDeniedResponse());
        assertEquals("policy_denied", metadata(enforced).get("reason").getStringValue());

        CheckResponse anonymous = responses.get(4);
        assertTrue(anonymous.hasOkResponse());
        assertEquals("identity_missing", metadata(anonymous).get("would_deny_reason").getStringValue());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            lines.add(JSON.readTree(l));
        }
        assertEquals(5, lines.size());
        assertEquals("identity_missing", lines.get(4).get("would_deny_reason").textValue());
        assertTrue(lines.get(0).get("allowed").booleanValue());
        assertEquals("dry_run_would_deny", lines.get(0).get("reason").textValue());
        assertEquals("policy_denied", lines.get(0).get("would_deny_reason").textValue());
        assertNull(lines.get(1).get("would_deny_reason"));
        assertEquals("rate_limited", lines.get(2).get("would_deny_reason").textValue());
        assertNull(lines.get(3).get("would_deny_reason"));
        assertNull(lines.get(0).get("input"), "the input is logged only with include_input");
    }

    @Test
    void aLoggedInputNeverCarriesASecret() throws Exception {
        Path file = root.resolve("decisions.jsonl");
        DecisionLogSettings log = DecisionLogSettings.of(file.toString(), 1.0, 100)
                .withInput(true, DecisionLogSettings.DEFAULT_MASK_HEADERS);
        try (Tollgate t = tollgate("mode: enforce\n", log)) {
            t.pipeline().check(request("bank-a", "GET"), Optional.empty());
            t.pipeline().check(request("bank-b", "DELETE"), Optional.empty());
        }
        String text = Files.readString(file);
        for (String secret : List.of(TOKEN, "s3cr3t", API_KEY, CARD, COOKIE)) {
            assertFalse(text.contains(secret), secret + " reached the decision log: " + text);
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        JsonNode line = JSON.readTree(lines.get(0));
        JsonNode input = line.get("input");
        assertEquals("GET", input.at("/attributes/request/http/method").textValue());
        assertEquals("application/json", input.at("/attributes/request/http/headers/content-type").textValue());
        assertEquals("****", input.at("/parsed_body/card").textValue());
        assertEquals(10, input.at("/parsed_body/amount").intValue());
        assertEquals("bank-a", input.get("tenant").textValue());
        assertEquals("spiffe://cluster.local/ns/bank-a/sa/teller", input.at("/identity/spiffe_id").textValue());
        List<String> erased = new ArrayList<>();
        line.get("erased").forEach(e -> erased.add(e.textValue()));
        assertEquals(java.util.Set.of("/input/attributes/request/http/headers/x-api-key",
                "/input/attributes/request/http/body",
                "/input/attributes/request/http/headers/authorization",
                "/input/attributes/request/http/headers/Cookie"), java.util.Set.copyOf(erased));
        assertEquals("[\"/input/parsed_body/card\"]", line.get("masked").toString());
    }
}
