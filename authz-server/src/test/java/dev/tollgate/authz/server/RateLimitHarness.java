package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.testsupport.TestEngine;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Tollgate with rate-limited tenants behind an in-process gRPC channel, on a clock the test moves.
 * Tenants (policies evaluated by the test engine, limits from each tenant.yaml):
 * <ul>
 *   <li>bank-a: the teller may make 2 calls a minute; POST is denied by the policy;
 *       {@code /policy-limit} lets the policy choose the {@code acct-42} key on tier gold (1 a minute);
 *       {@code /bad-limit} returns a malformed {@code rate_limit} (fail closed);</li>
 *   <li>bank-b: 2 a minute for everyone, budget headers on allowed responses, fail open;</li>
 *   <li>bank-c: counters in Redis (as configured by the test), {@code on_redis_failure: deny}.</li>
 * </ul>
 */
final class RateLimitHarness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TELLER = "spiffe://cluster.local/ns/bank-a/sa/teller";
    static final String AUDITOR = "spiffe://cluster.local/ns/bank-a/sa/auditor";
    static final String BANK_A = "spiffe://cluster.local/ns/bank-a/sa/ledger";
    static final String BANK_B = "spiffe://cluster.local/ns/bank-b/sa/ledger";
    static final String BANK_C = "spiffe://cluster.local/ns/bank-c/sa/ledger";

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Tollgate tollgate;
    final AuthorizationGrpc.AuthorizationBlockingStub authz;
    private final InProcessTollgate served;

    RateLimitHarness(Path policies, ServerConfig config) throws IOException {
        this(policies, config, List.of());
    }

    RateLimitHarness(Path policies, ServerConfig config, List<DecisionStage> stages) throws IOException {
        Ticker ticker = nanos::get;
        tollgate = new Tollgate(config.withPoliciesDir(policies), engines(), stages, ticker);
        tollgate.loadTenants();
        served = new InProcessTollgate(tollgate);
        authz = served.authz;
    }

    void advanceSeconds(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    static Path policies(Path root) {
        try {
            write(root.resolve("bank-a/policy.rego"), "package envoy.authz\n");
            write(root.resolve("bank-a/tenant.yaml"), """
                    rate_limits:
                      tiers:
                        gold: {rate: 1, per: minute}
                      rules:
                        - name: teller
                          match: {spiffe_id: "spiffe://cluster.local/ns/bank-a/sa/teller"}
                          rate: 2
                          per: minute
                    """);
            write(root.resolve("bank-b/policy.rego"), "package envoy.authz\n");
            write(root.resolve("bank-b/tenant.yaml"), """
                    fail_mode: open
                    rate_limits:
                      budget_headers: true
                      default: {rate: 2, per: minute}
                    """);
            write(root.resolve("bank-c/policy.rego"), "package envoy.authz\n");
            write(root.resolve("bank-c/tenant.yaml"), """
                    rate_limits:
                      counters: redis
                      on_redis_failure: deny
                      default: {rate: 2, per: minute}
                    """);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    static Engines engines() {
        return Engines.of(new TestEngine(Map.of("bank-a", RateLimitHarness::bankA, "bank-b", RateLimitHarness::bankB,
                "bank-c", input -> new EvalResult.Defined(JSON.getNodeFactory().booleanNode(true)))));
    }

    private static EvalResult bankA(JsonNode input) {
        String method = input.at("/attributes/request/http/method").asText();
        String path = input.at("/attributes/request/http/path").asText();
        if (method.equals("POST")) {
            return new EvalResult.Defined(JSON.getNodeFactory().booleanNode(false));
        }
        return switch (path) {
            case "/policy-limit" -> defined("""
                    {"allowed": true, "rate_limit": {"key": "acct-42", "tier": "gold"},
                     "dynamic_metadata": {"account": "acct-42"}}""");
            case "/bad-limit" -> defined("""
                    {"allowed": true, "rate_limit": {"key": 5, "tier": "gold"}}""");
            default -> new EvalResult.Defined(JSON.getNodeFactory().booleanNode(true));
        };
    }

    private static EvalResult bankB(JsonNode input) {
        String path = input.at("/attributes/request/http/path").asText();
        return path.equals("/bad-limit") ? defined("""
                {"allowed": true, "rate_limit": {"key": "k", "per": "fortnight"}}""")
                : new EvalResult.Defined(JSON.getNodeFactory().booleanNode(true));
    }

    private static EvalResult defined(String json) {
        try {
            return new EvalResult.Defined(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        served.close();
    }
}
