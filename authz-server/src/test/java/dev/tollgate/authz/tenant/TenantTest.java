package dev.tollgate.authz.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TenantTest {
    @TempDir
    Path dir;

    private static AttributeContext attrs(String destination, String extension, String host) {
        AttributeContext.Builder a = AttributeContext.newBuilder();
        if (destination != null) {
            a.getDestinationBuilder().setPrincipal(destination);
        }
        if (extension != null) {
            a.putContextExtensions("tenant", extension);
        }
        if (host != null) {
            a.getRequestBuilder().getHttpBuilder().setHost(host);
        }
        return a.build();
    }

    static Stream<Arguments> routing() {
        String bankA = "spiffe://cluster.local/ns/bank-a/sa/ledger";
        return Stream.of(
                Arguments.of(bankA, null, null, "bank-a"),
                Arguments.of("spiffe://cluster.local/ns/bank-a-prod/sa/x", null, null, "bank-a"),
                Arguments.of("spiffe://cluster.local/ns/bank-z/sa/x", "bank-b", null, "bank-b"),
                Arguments.of("not a spiffe id", null, "API.Bank-B.example:8443", "bank-b"),
                Arguments.of("spiffe://cluster.local/workload", null, null, "fallback"),
                Arguments.of(null, "unknown", "nowhere.example", "fallback"),
                Arguments.of(bankA, "bank-b", null, "bank-a"));
    }

    @ParameterizedTest(name = "{0} / {1} / {2} -> {3}")
    @MethodSource("routing")
    void resolvesInConfiguredOrder(String destination, String extension, String host, String expected) {
        TenantResolver r = new TenantResolver(new TenantRouting(List.of(TenantRouting.Source.DESTINATION_PRINCIPAL,
                TenantRouting.Source.CONTEXT_EXTENSION, TenantRouting.Source.HOST),
                Map.of("bank-a-prod", "bank-a"), Map.of("api.bank-b.example", "bank-b"), Optional.of("fallback")));
        assertEquals(Optional.of(expected),
                r.resolve(attrs(destination, extension, host), Set.of("bank-a", "bank-b", "fallback")));
    }

    @Test
    void noDefaultMeansNoTenant() {
        TenantResolver r = new TenantResolver(new TenantRouting(List.of(TenantRouting.Source.CONTEXT_EXTENSION),
                Map.of(), Map.of(), Optional.empty()));
        assertEquals(Optional.empty(), r.resolve(attrs("spiffe://cluster.local/ns/bank-a/sa/x", null, null), Set.of("bank-a")));
        assertEquals(Optional.of("bank-a"), r.resolve(attrs(null, "bank-a", null), Set.of("bank-a")));
    }

    static Stream<Arguments> badTenantYaml() {
        return Stream.of(
                Arguments.of("fail_mode: sometimes\n", "key 'fail_mode' must be 'open' or 'closed'"),
                Arguments.of("mode: shadow\n", "key 'mode' must be 'enforce' or 'dry_run', got \"shadow\""),
                Arguments.of("anonymous: true\n", "unknown key 'anonymous'"),
                Arguments.of("allow_anonymous: 1\n", "key 'allow_anonymous' must be true or false"),
                Arguments.of("engine: lua\n", "key 'engine' must be 'wasm' or 'rego'"),
                Arguments.of("entrypoint: data.envoy.allow\n", "key 'entrypoint' must be a rule path"),
                Arguments.of("[1]\n", "must be a mapping of keys"),
                Arguments.of("rate_limits:\n  default: {rate: 5, per: day}\n", "rate_limits.default.per: expected one of"),
                Arguments.of("rate_limits:\n  rules:\n    - {name: a, rate: 1, per: second, colour: red}\n",
                        "rate_limits.rules[0].colour: unknown key"),
                Arguments.of("rate_limits: 5\n", "rate_limits: expected a mapping"),
                Arguments.of("evaluation: {max_steps: 0}\n", "key 'evaluation.max_steps' must be a whole number from 1"),
                Arguments.of("evaluation: {timeout_ms: 90000}\n", "key 'evaluation.timeout_ms' must be a whole number from 1 to 60000"),
                Arguments.of("evaluation: {steps: 5}\n", "unknown key 'evaluation.steps'"),
                Arguments.of("http_send: {allowed_hosts: []}\n", "key 'http_send.allowed_hosts' must be a non-empty list"),
                Arguments.of("http_send: {allowed_hosts: [\"https://x.example\"]}\n", "must hold host names (no scheme or port)"),
                Arguments.of("http_send: {enabled: true}\n", "unknown key 'http_send.enabled'"),
                Arguments.of("input_schema: strict\n", "key 'input_schema' must be 'tollgate' or 'none'"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badTenantYaml")
    void badTenantYamlFailsTheTenantWithFileAndKey(String yaml, String message) throws Exception {
        Files.createDirectories(dir.resolve("t"));
        Files.writeString(dir.resolve("t/tenant.yaml"), yaml);
        Tenant t = loader().load(dir, "t");
        assertFalse(t.loaded());
        String error = t.error().orElseThrow();
        assertTrue(error.startsWith(dir.resolve("t/tenant.yaml") + ": "), error);
        assertTrue(error.contains(message), error);
    }

    @Test
    void tenantYamlSettings() throws Exception {
        Files.createDirectories(dir.resolve("t"));
        Files.writeString(dir.resolve("t/tenant.yaml"),
                "entrypoint: bank/authz/decision\nallow_anonymous: true\nfail_mode: open\nengine: rego\n");
        assertEquals(new TenantSettings("bank/authz/decision", true, true, Optional.of("rego")),
                TenantSettings.read(dir.resolve("t/tenant.yaml")));
        assertEquals(TenantSettings.DEFAULTS, TenantSettings.read(dir.resolve("t/none.yaml")));
        assertFalse(TenantSettings.DEFAULTS.dryRun());
        Files.writeString(dir.resolve("t/tenant.yaml"), "mode: dry_run\n");
        assertTrue(TenantSettings.read(dir.resolve("t/tenant.yaml")).dryRun());
        Files.writeString(dir.resolve("t/tenant.yaml"), "mode: enforce\n");
        assertEquals(TenantSettings.DEFAULTS, TenantSettings.read(dir.resolve("t/tenant.yaml")));
        Files.writeString(dir.resolve("t/tenant.yaml"), """
                rate_limits:
                  budget_headers: true
                  tiers: {gold: {rate: 10, per: second}}
                  default: {tier: gold}
                  rules: [{name: teller, match: {namespace: bank-a}, rate: 2, per: minute}]
                """);
        TenantSettings withLimits = TenantSettings.read(dir.resolve("t/tenant.yaml"));
        assertEquals(List.of("teller", "default"), withLimits.rateLimits().ruleOrder());
        assertTrue(withLimits.rateLimits().budgetHeaders());
        assertEquals(Set.of("gold"), withLimits.rateLimits().tierNames());
        Files.writeString(dir.resolve("t/tenant.yaml"),
                "evaluation: {max_steps: 5000, timeout_ms: 20}\nhttp_send: {allowed_hosts: [opa-data.internal]}\n");
        assertEquals(new dev.tollgate.authz.engine.EvalSettings(5000, Duration.ofMillis(20), Set.of("opa-data.internal")),
                TenantSettings.read(dir.resolve("t/tenant.yaml")).evaluation());
    }

    @Test
    void loadErrorsAreReportedPerTenant() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        Files.createDirectories(dir.resolve("both"));
        Files.writeString(dir.resolve("both/policy.rego"), "package x\n");
        Files.writeString(dir.resolve("both/data.json"), "{}");
        Files.writeString(dir.resolve("both/data.yaml"), "a: 1\n");
        Files.createDirectories(dir.resolve("badjson"));
        Files.writeString(dir.resolve("badjson/policy.wasm"), "x");
        Files.writeString(dir.resolve("badjson/data.json"), "{\"a\": ");
        Files.createDirectories(dir.resolve("shared"));
        Files.createDirectories(dir.resolve(".git"));

        assertEquals(List.of("badjson", "both", "empty"), TenantLoader.tenantNames(dir));
        assertEquals(dir.resolve("empty") + ": no policy found (expected policy.wasm or *.rego files)",
                loader().load(dir, "empty").error().orElseThrow());
        assertEquals(dir.resolve("both") + ": both data.json and data.yaml present; keep one",
                loader().load(dir, "both").error().orElseThrow());
        assertTrue(loader().load(dir, "badjson").error().orElseThrow()
                .startsWith(dir.resolve("badjson/data.json") + ": does not parse"));
    }

    @Test
    void revisionChangesWithTheFiles() throws Exception {
        Files.createDirectories(dir.resolve("t"));
        Files.writeString(dir.resolve("t/policy.rego"), "package a\n");
        String first = loader().load(dir, "t").revision();
        assertEquals(first, loader().load(dir, "t").revision());
        Files.writeString(dir.resolve("t/policy.rego"), "package b\n");
        assertFalse(first.equals(loader().load(dir, "t").revision()));
    }

    private static TenantLoader loader() {
        return new TenantLoader(Engines.of(new WasmEngine(1, Duration.ofSeconds(1))));
    }
}
