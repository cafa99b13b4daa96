package dev.tollgate.authz.engine.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.EvalSettings;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicySource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegoEngineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static PolicySource source(String rego, String data, EvalSettings settings) throws Exception {
        return new PolicySource("t", "t", "envoy/authz/allow",
                List.of(new PolicySource.Module("t/policy.rego", rego, false),
                        new PolicySource.Module("shared/lib.rego", "package shared.lib\n\ntwice(x) := x * 2\n", true)),
                Optional.empty(), JSON.readTree(data), settings, false);
    }

    static CompiledPolicy load(String rego, String data) throws Exception {
        LoadResult r = new RegoEngine().load(source(rego, data, EvalSettings.DEFAULTS));
        return assertInstanceOf(LoadResult.Loaded.class, r, r.toString()).policy();
    }

    static Stream<Arguments> evaluations() {
        return Stream.of(
                Arguments.of("allow := input.user == \"alice\"", "{}", "{\"user\":\"alice\"}", "true"),
                Arguments.of("allow := input.user == \"alice\"", "{}", "{\"user\":\"bob\"}", "false"),
                Arguments.of("allow if input.n > 3", "{}", "{\"n\":2}", null),
                Arguments.of("allow := data.roles[input.user]", "{\"roles\":{\"alice\":[\"admin\"]}}",
                        "{\"user\":\"alice\"}", "[\"admin\"]"),
                Arguments.of("allow := {\"allowed\": true, \"n\": lib.twice(input.n)}", "{}", "{\"n\":21}",
                        "{\"allowed\":true,\"n\":42}"),
                Arguments.of("allow := {x | some x in input.xs}", "{}", "{\"xs\":[\"b\",\"a\",\"b\"]}", "[\"a\",\"b\"]"),
                Arguments.of("allow := input.big + 1", "{}", "{\"big\":12345678901234567890}", "12345678901234567891"),
                Arguments.of("allow := input.f * 2", "{}", "{\"f\":1.25}", "2.5"),
                Arguments.of("allow := [is_null(input.nil), object.get(input, \"missing\", \"d\")]", "{}", "{\"nil\":null}",
                        "[true,\"d\"]"));
    }

    @ParameterizedTest
    @MethodSource("evaluations")
    void evaluatesTheEntrypoint(String rule, String data, String input, String expected) throws Exception {
        CompiledPolicy p = load("package envoy.authz\n\nimport data.shared.lib\n\n" + rule + "\n", data);
        EvalResult r = p.evaluate(dev.tollgate.rego.value.Json.parse(input));
        if (expected == null) {
            assertInstanceOf(EvalResult.Undefined.class, r);
        } else {
            assertEquals(JSON.readTree(expected).toString(),
                    assertInstanceOf(EvalResult.Defined.class, r, r.toString()).value().toString());
        }
    }

    @Test
    void compileErrorsListEveryErrorWithFileLineAndColumn() throws Exception {
        LoadResult r = new RegoEngine().load(source("""
                package envoy.authz

                allow if undefined_fn(input.x)

                deny if y == 1
                """, "{}", EvalSettings.DEFAULTS));
        String msg = assertInstanceOf(LoadResult.Failed.class, r).message();
        assertTrue(msg.startsWith("t: 2 errors"), msg);
        assertTrue(msg.contains("t/policy.rego:3:10: rego_type_error: undefined function undefined_fn"), msg);
        assertTrue(msg.contains("t/policy.rego:5:"), msg);
    }

    @Test
    void syntaxErrorNamesTheFile() throws Exception {
        String msg = assertInstanceOf(LoadResult.Failed.class,
                new RegoEngine().load(source("package envoy.authz\n\nallow if {\n", "{}", EvalSettings.DEFAULTS))).message();
        assertTrue(msg.contains("t/policy.rego:"), msg);
        assertTrue(msg.contains("rego_parse_error"), msg);
    }

    @Test
    void missingEntrypointFailsToLoad() throws Exception {
        String msg = assertInstanceOf(LoadResult.Failed.class, new RegoEngine().load(
                source("package other\n\nallow := true\n", "{}", EvalSettings.DEFAULTS))).message();
        assertTrue(msg.contains("entrypoint 'envoy/authz/allow' is not defined"), msg);
    }

    @Test
    void conflictIsAFailureWithItsCode() throws Exception {
        CompiledPolicy p = load("package envoy.authz\n\nallow := 1 if input.a\n\nallow := 2 if input.b\n", "{}");
        EvalResult.Failed f = assertInstanceOf(EvalResult.Failed.class, p.evaluate(dev.tollgate.rego.value.Json.parse("{\"a\":true,\"b\":true}")));
        assertEquals("eval_conflict_error", f.code());
        assertTrue(f.message().contains("t/policy.rego"), f.message());
    }

    static final String RUNAWAY = "package envoy.authz\n\nallow := count([[x, y, z] | some x in numbers.range(1, 1000);"
            + " some y in numbers.range(1, 1000); some z in numbers.range(1, 1000)])\n";

    static Stream<Arguments> budgets() {
        return Stream.of(
                Arguments.of("steps", new EvalSettings(10_000, Duration.ofSeconds(60), Set.of())),
                Arguments.of("time", new EvalSettings(Long.MAX_VALUE, Duration.ofMillis(50), Set.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("budgets")
    void runawayPolicyIsCancelledByItsBudget(String budget, EvalSettings settings) throws Exception {
        LoadResult r = new RegoEngine().load(source(RUNAWAY, "{}", settings));
        EvalResult.Failed f = assertInstanceOf(EvalResult.Failed.class,
                assertInstanceOf(LoadResult.Loaded.class, r).policy().evaluate(dev.tollgate.rego.value.Json.parse("{}")));
        assertEquals("eval_cancel_error", f.code(), f.message());
    }

    @Test
    void httpSendIsDisabledUnlessTheTenantAllowsHosts() throws Exception {
        String rego = "package envoy.authz\n\nallow := http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:9/x\", \"raise_error\": false})\n";
        // Disabled, the built-in fails (undefined, as OPA treats built-in errors in non-strict mode).
        assertInstanceOf(EvalResult.Undefined.class, load(rego, "{}").evaluate(dev.tollgate.rego.value.Json.parse("{}")));
        JsonNode otherHost = assertInstanceOf(EvalResult.Defined.class, assertInstanceOf(LoadResult.Loaded.class,
                new RegoEngine().load(source(rego, "{}", new EvalSettings(1000, Duration.ofSeconds(5),
                        Set.of("policy-data.internal"))))).policy().evaluate(dev.tollgate.rego.value.Json.parse("{}"))).value();
        assertTrue(otherHost.path("error").path("message").asText().contains("unallowed host"), otherHost.toString());
    }

    @Test
    void aPolicyWithOnlySharedModulesIsRefused() throws Exception {
        PolicySource s = new PolicySource("t", "t", "envoy/authz/allow",
                List.of(new PolicySource.Module("shared/lib.rego", "package envoy.authz\n\nallow := true\n", true)),
                Optional.empty(), JSON.createObjectNode(), EvalSettings.DEFAULTS);
        assertTrue(assertInstanceOf(LoadResult.Failed.class, new RegoEngine().load(s)).message().contains("no Rego modules"));
    }

    @Test
    void policiesAreSafeToEvaluateConcurrently() throws Exception {
        CompiledPolicy p = load("package envoy.authz\n\nallow := sprintf(\"%s-%d\", [input.user, input.n])\n", "{}");
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2000; i++) {
                    EvalResult r = p.evaluate(dev.tollgate.rego.value.ObjectValue.builder().put("user", "u" + id).put("n", dev.tollgate.rego.value.Value.of(i)).build());
                    if (!(r instanceof EvalResult.Defined d) || !d.value().asText().equals("u" + id + "-" + i)) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, wrong.get());
    }
}
