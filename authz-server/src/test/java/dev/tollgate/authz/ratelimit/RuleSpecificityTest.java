package dev.tollgate.authz.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleSpecificityTest {
    /** Declared least specific first, so that declaration order cannot be what makes the table pass. */
    static final String TENANT_YAML = """
            rate_limits:
              tiers:
                basic: {rate: 10, per: second}
              default: {rate: 1, per: second}
              rules:
                - name: healthz-anyone
                  match: {path: /healthz}
                  rate: 100
                  per: second
                - name: batch-glob
                  match: {spiffe_id_glob: "spiffe://bank-a.example/ns/*/sa/batch-*"}
                  rate: 5
                  per: second
                - name: partner-domain
                  match: {trust_domain: partner.example}
                  tier: basic
                - name: payments-ns
                  match: {namespace: payments}
                  rate: 100
                  per: minute
                - name: payments-v1-tree
                  match: {namespace: payments, path: "/v1/**"}
                  rate: 100
                  per: minute
                - name: payments-reads
                  match: {namespace: payments, method: [GET, HEAD]}
                  rate: 100
                  per: minute
                - name: payments-transfers
                  match: {namespace: payments, method: POST, path: "/v1/transfers/*"}
                  rate: 100
                  per: minute
                - name: payments-transfer-42
                  match: {namespace: payments, method: POST, path: "/v1/transfers/42"}
                  rate: 100
                  per: minute
                - name: payments-api-sa
                  match: {namespace: payments, service_account: api}
                  rate: 100
                  per: minute
                - name: payments-api-exact
                  match: {spiffe_id: "spiffe://bank-a.example/ns/payments/sa/api"}
                  rate: 100
                  per: minute
                - name: ledger-first
                  match: {namespace: ledger}
                  rate: 1
                  per: minute
                - name: ledger-second
                  match: {namespace: ledger}
                  rate: 2
                  per: minute
            """;

    static TenantLimiter limiter;

    @BeforeAll
    static void build() throws Exception {
        limiter = new TenantLimiter("bank-a", Fixtures.tenantYaml(TENANT_YAML), Ticker.systemTicker(), null,
                new RateLimitMetrics(() -> "DISABLED"));
    }

    static Stream<Arguments> cases() {
        Caller apiA = Fixtures.k8s("bank-a.example", "payments", "api");
        Caller apiOther = Fixtures.k8s("other.example", "payments", "api");
        Caller web = Fixtures.k8s("bank-a.example", "payments", "web");
        Caller partner = Fixtures.k8s("partner.example", "payments-ext", "client");
        Caller batch = Fixtures.k8s("bank-a.example", "jobs", "batch-nightly");
        Caller jobsWeb = Fixtures.k8s("bank-a.example", "jobs", "web");
        Caller ledger = Fixtures.k8s("bank-a.example", "ledger", "api");
        Caller nonK8s = new Caller("spiffe://bank-a.example/vm/host-7", "bank-a.example", null, null);
        return Stream.of(
                // caller, method, path, expected rule
                Arguments.of(apiA, "POST", "/v1/transfers/42", "payments-api-exact"),
                Arguments.of(apiOther, "GET", "/x", "payments-api-sa"),
                Arguments.of(web, "POST", "/v1/transfers/42", "payments-transfer-42"),
                Arguments.of(web, "POST", "/v1/transfers/7", "payments-transfers"),
                Arguments.of(web, "POST", "/v1/transfers/7/cancel", "payments-v1-tree"),
                Arguments.of(web, "GET", "/v1/accounts", "payments-reads"),
                Arguments.of(web, "PUT", "/v1/accounts", "payments-v1-tree"),
                Arguments.of(web, "PUT", "/v2/accounts", "payments-ns"),
                Arguments.of(web, null, null, "payments-ns"),
                Arguments.of(partner, "GET", "/v1/accounts", "partner-domain"),
                Arguments.of(batch, "GET", "/healthz", "batch-glob"),
                Arguments.of(jobsWeb, "GET", "/healthz", "healthz-anyone"),
                Arguments.of(jobsWeb, "GET", "/jobs", "default"),
                Arguments.of(Caller.ANONYMOUS, "GET", "/healthz", "healthz-anyone"),
                Arguments.of(Caller.ANONYMOUS, "GET", "/", "default"),
                Arguments.of(Caller.ANONYMOUS, null, null, "default"),
                Arguments.of(nonK8s, "GET", "/", "default"),
                Arguments.of(ledger, "GET", "/", "ledger-first"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("cases")
    void mostSpecificRuleWins(Caller caller, String method, String path, String expected) {
        String applied = switch (limiter.check(caller, method, path, null, 0)) {
            case RateLimitResult.Allowed a -> a.limitName();
            case RateLimitResult.OverLimit o -> o.limitName();
            default -> "(none)";
        };
        assertEquals(expected, applied);
    }

    @Test
    void documentedOrder() throws Exception {
        assertEquals(List.of("payments-api-exact", "payments-api-sa", "payments-transfer-42", "payments-transfers",
                "payments-reads", "payments-v1-tree", "payments-ns", "ledger-first", "ledger-second", "partner-domain",
                "batch-glob", "healthz-anyone", "default"), Fixtures.tenantYaml(TENANT_YAML).ruleOrder());
    }

    @Test
    void withoutDefaultUnmatchedRequestsAreUnlimited() throws Exception {
        var tenant = new TenantLimiter("bank-a", Fixtures.tenantYaml("""
                rate_limits:
                  rules:
                    - {name: payments, match: {namespace: payments}, rate: 1, per: second}
                """), Ticker.systemTicker(), null, new RateLimitMetrics(() -> "DISABLED"));
        assertEquals(RateLimitResult.Unlimited.INSTANCE,
                tenant.check(Fixtures.k8s("bank-a.example", "ledger", "api"), "GET", "/", null, 0));
    }
}
