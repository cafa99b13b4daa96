package dev.tollgate.authz.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RateLimitConfigTest {

    /** The schema in one example, as it would sit in tenants/bank-a/tenant.yaml. */
    static final String EXAMPLE = """
            name: bank-a
            rate_limits:
              counters: redis
              on_redis_failure: deny
              budget_headers: true
              max_keys: 50000
              idle_expiry_seconds: 900
              tiers:
                premium: {rate: 1000, per: second, burst: 2000}
                standard: {rate: 100, per: second}
              default: {tier: standard}
              rules:
                - name: transfers
                  match:
                    namespace: payments
                    method: POST
                    path: /v1/transfers/*
                  rate: 20
                  per: second
                  burst: 40
                - name: batch
                  match: {spiffe_id_glob: "spiffe://bank-a.example/ns/*/sa/batch-*"}
                  rate: 600
                  per: hour
                - name: partner
                  match: {trust_domain: partner.example}
                  tier: premium
            """;

    @Test
    void parsesTheExample() throws Exception {
        TenantRateLimits limits = Fixtures.tenantYaml(EXAMPLE);
        assertEquals(TenantRateLimits.Counters.REDIS, limits.counters());
        assertEquals(TenantRateLimits.OnRedisFailure.DENY, limits.onRedisFailure());
        assertTrue(limits.budgetHeaders());
        assertEquals(50_000, limits.maxKeys());
        assertEquals(Duration.ofMinutes(15), limits.idleExpiry());
        assertEquals(Set.of("premium", "standard"), limits.tierNames());
        assertEquals(List.of("transfers", "partner", "batch", "default"), limits.ruleOrder());
        LimitRule transfers = limits.rulesMostSpecificFirst().getFirst();
        assertEquals(new Rate(20, Rate.Per.SECOND, 40), transfers.rate());
        assertEquals(List.of("POST"), transfers.methods());
        LimitRule batch = limits.rulesMostSpecificFirst().get(2);
        assertEquals(new Rate(600, Rate.Per.HOUR, 600), batch.rate()); // burst defaults to the rate
        assertEquals(new Rate(100, Rate.Per.SECOND, 100), limits.defaultRule().rate());
        assertEquals("standard", limits.defaultRule().tier());
    }

    @Test
    void absentSectionMeansNoLimits() throws Exception {
        TenantRateLimits limits = RateLimitConfig.parse(Fixtures.yaml("name: bank-b").get("rate_limits"), "tenant.yaml");
        assertEquals(List.of(), limits.ruleOrder());
        assertEquals(TenantRateLimits.Counters.LOCAL, limits.counters());
        assertFalse(limits.budgetHeaders());
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("rate_limits: [1, 2]", "tenant.yaml: rate_limits: expected a mapping, got a list"),
                Arguments.of("rate_limits: {counters: memcached}",
                        "tenant.yaml: rate_limits.counters: expected one of local, redis, got \"memcached\""),
                Arguments.of("rate_limits: {on_redis_failure: open}",
                        "tenant.yaml: rate_limits.on_redis_failure: expected one of local, deny, got \"open\""),
                Arguments.of("rate_limits: {budget_headers: yes please}",
                        "tenant.yaml: rate_limits.budget_headers: expected true or false, got \"yes please\""),
                Arguments.of("rate_limits: {max_keys: 0}",
                        "tenant.yaml: rate_limits.max_keys: expected a positive whole number, got number 0"),
                Arguments.of("rate_limits: {limits: {}}", "tenant.yaml: rate_limits.limits: unknown key; expected one of"),
                Arguments.of("rate_limits: {rules: {name: x}}",
                        "tenant.yaml: rate_limits.rules: expected a list of rules, got a mapping"),
                Arguments.of(rule("{match: {namespace: a}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].name: missing"),
                Arguments.of(rule("{name: r, rate: -5, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].rate: expected a positive whole number, got number -5"),
                Arguments.of(rule("{name: r, rate: 2.5, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].rate: expected a positive whole number, got number 2.5"),
                Arguments.of(rule("{name: r, rate: \"10\", per: second}"),
                        "tenant.yaml: rate_limits.rules[0].rate: expected a positive whole number, got \"10\""),
                Arguments.of(rule("{name: r, rate: 10, per: day}"),
                        "tenant.yaml: rate_limits.rules[0].per: expected one of second, minute, hour, got \"day\""),
                Arguments.of(rule("{name: r, rate: 10}"),
                        "tenant.yaml: rate_limits.rules[0].per: missing; expected one of second, minute, hour"),
                Arguments.of(rule("{name: r, rate: 10, per: second, burst: 0}"),
                        "tenant.yaml: rate_limits.rules[0].burst: expected a positive whole number, got number 0"),
                Arguments.of(rule("{name: r, rate: 1, per: hour, burst: 100000000}"),
                        "tenant.yaml: rate_limits.rules[0]: burst 100000000 at 1 per hour takes more than 10 years to refill"),
                Arguments.of(rule("{name: r, rte: 10, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].rte: unknown key; expected one of [burst, match, name, per, rate, tier]"),
                Arguments.of(rule("{name: r, match: {namespace: a}}"),
                        "tenant.yaml: rate_limits.rules[0]: needs either rate (with per, optional burst) or tier"),
                Arguments.of(rule("{name: r, tier: gold}"),
                        "tenant.yaml: rate_limits.rules[0].tier: unknown tier \"gold\"; tiers defined: []"),
                Arguments.of(rule("{name: r, tier: gold, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].tier: give either tier or rate/per/burst, not both"),
                Arguments.of(rule("{name: r, match: {service_account: api}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].match.service_account: service_account needs namespace"),
                Arguments.of(rule("{name: r, match: {spiffe_id: \"spiffe://a/b\", namespace: a}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].match.spiffe_id: an exact spiffe_id cannot be combined"),
                Arguments.of(rule("{name: r, match: {spiffe_id: \"bank-a/ns/x\"}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].match.spiffe_id: expected a SPIFFE ID (spiffe://trust-domain/path), got \"bank-a/ns/x\""),
                Arguments.of(rule("{name: r, match: {namespace: a/b}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].match.namespace: expected a single name without '/', got \"a/b\""),
                Arguments.of(rule("{name: r, match: {namespace: 7}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].match.namespace: expected a non-empty string, got number 7"),
                Arguments.of(rule("{name: r, match: {method: get}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].match.method: expected an upper-case HTTP method such as GET, got \"get\""),
                Arguments.of(rule("{name: r, match: {path: v1/x}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].match.path: expected a path glob starting with / or *, got \"v1/x\""),
                Arguments.of(rule("{name: r, match: {path: \"/" + "a".repeat(70) + "\"}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].match.path: pattern has more than 63 characters/wildcards"),
                Arguments.of(rule("{name: r, match: {host: x}, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].match.host: unknown key"),
                Arguments.of(rule("{name: default, rate: 1, per: second}"),
                        "tenant.yaml: rate_limits.rules[0].name: duplicate rule name \"default\" (\"default\" is reserved"),
                Arguments.of("""
                        rate_limits:
                          rules:
                            - {name: a, rate: 1, per: second}
                            - {name: a, rate: 2, per: second}
                        """, "tenant.yaml: rate_limits.rules[1].name: duplicate rule name \"a\""),
                Arguments.of("rate_limits: {tiers: {gold: {rate: 1, per: second, brust: 3}}}",
                        "tenant.yaml: rate_limits.tiers.gold.brust: unknown key"),
                Arguments.of("rate_limits: {default: {rate: 0, per: second}}",
                        "tenant.yaml: rate_limits.default.rate: expected a positive whole number, got number 0"));
    }

    private static String rule(String flowRule) {
        return "rate_limits:\n  rules:\n    - " + flowRule + "\n";
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badConfigs")
    void reportsWhatAndWhere(String yaml, String expectedProblem) {
        var e = assertThrows(RateLimitConfigException.class, () -> Fixtures.tenantYaml(yaml));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(expectedProblem)),
                () -> "expected a problem starting with\n  " + expectedProblem + "\ngot\n  " + String.join("\n  ", e.problems()));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        var e = assertThrows(RateLimitConfigException.class, () -> Fixtures.tenantYaml("""
                rate_limits:
                  counters: disk
                  rules:
                    - {name: a, rate: 0, per: second}
                    - {name: b, rate: 1, per: fortnight}
                """));
        assertEquals(3, e.problems().size(), e.getMessage());
    }

    @Test
    void redisTenantNeedsRedisSettings() {
        var e = assertThrows(RateLimitConfigException.class, () -> RateLimiter.builder()
                .tenant("bank-a", Fixtures.tenantYaml("rate_limits: {counters: redis}")).build());
        assertEquals("tenant bank-a: rate_limits.counters is redis, but the server has no redis settings", e.getMessage());
    }

    @Test
    void redisSettingsParse() throws Exception {
        RedisSettings s = RedisSettings.parse(Fixtures.yaml("{host: redis.tollgate, port: 6380, timeout_ms: 25, breaker_open_ms: 1000}"),
                "tollgate.yaml");
        assertEquals("redis.tollgate", s.host());
        assertEquals(6380, s.port());
        assertEquals(Duration.ofMillis(25), s.timeout());
        assertEquals(Duration.ofSeconds(1), s.breakerOpenFor());
        var e = assertThrows(RateLimitConfigException.class,
                () -> RedisSettings.parse(Fixtures.yaml("{port: 70000, timeout: 5}"), "tollgate.yaml"));
        assertEquals(List.of(
                "tollgate.yaml: redis.timeout: unknown key; expected one of [breaker_failure_rate, breaker_minimum_calls, breaker_open_ms, breaker_window, host, key_prefix, port, reconnect_delay_ms, timeout_ms]",
                "tollgate.yaml: redis.host: expected a host name, got nothing",
                "tollgate.yaml: redis.port: expected a whole number from 1 to 65535, got number 70000"), e.problems());
    }
}
