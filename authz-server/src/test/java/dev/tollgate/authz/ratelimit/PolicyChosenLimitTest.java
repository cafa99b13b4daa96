package dev.tollgate.authz.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.ratelimit.Fixtures.FakeTicker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyChosenLimitTest {
    private static final Caller ALICE = Fixtures.k8s("bank-a.example", "web", "alice");
    private static final Caller BOB = Fixtures.k8s("bank-a.example", "web", "bob");

    private RateLimiter limiter;

    @BeforeEach
    void setUp() throws Exception {
        limiter = Fixtures.limiter(new FakeTicker(), """
                rate_limits:
                  budget_headers: true
                  tiers:
                    premium: {rate: 5, per: minute}
                    basic: {rate: 2, per: minute}
                  default: {rate: 1, per: minute}
                """);
    }

    private RateLimitResult check(Caller caller, String policyRateLimitJson) {
        return limiter.check("bank-a", caller, "GET", "/accounts", Fixtures.json(policyRateLimitJson));
    }

    private int admitted(Caller caller, String json, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (check(caller, json).allowed()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void tierChosenByPolicyReplacesTheConfiguredRule() {
        assertEquals(5, admitted(ALICE, "{\"key\": \"acct-1\", \"tier\": \"premium\"}", 20));
        var r = assertInstanceOf(RateLimitResult.OverLimit.class, check(ALICE, "{\"key\": \"acct-1\", \"tier\": \"premium\"}"));
        assertEquals("tier:premium", r.limitName());
        assertEquals("acct-1", r.key());
        assertEquals(5, r.limit());
    }

    @Test
    void aPolicyKeyIsSharedByEveryCallerThatGetsIt() {
        assertEquals(1, admitted(ALICE, "{\"key\": \"acct-2\", \"tier\": \"basic\"}", 1));
        assertEquals(1, admitted(BOB, "{\"key\": \"acct-2\", \"tier\": \"basic\"}", 5));
        // the configured default (1/min per caller) is a separate budget
        assertTrue(limiter.check("bank-a", ALICE, "GET", "/", null).allowed());
    }

    @Test
    void explicitRateFromThePolicy() {
        var first = assertInstanceOf(RateLimitResult.AllowedWithBudget.class,
                check(ALICE, "{\"key\": \"acct-3\", \"rate\": 50, \"per\": \"second\", \"burst\": 10}"));
        assertEquals(new RateLimitResult.AllowedWithBudget("policy", "acct-3", 10, 9, 1), first);
        assertEquals(9, admitted(ALICE, "{\"key\": \"acct-3\", \"rate\": 50, \"per\": \"second\", \"burst\": 10}", 50));
    }

    @Test
    void keyDefaultsToTheCallerIdentity() {
        var r = assertInstanceOf(RateLimitResult.AllowedWithBudget.class, check(ALICE, "{\"tier\": \"basic\"}"));
        assertEquals(ALICE.spiffeId(), r.key());
    }

    @Test
    void jsonNullMeansThePolicyChoseNothing() {
        var r = assertInstanceOf(RateLimitResult.AllowedWithBudget.class, check(ALICE, "null"));
        assertEquals("default", r.limitName());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "\"premium\"                                  | policy result rate_limit: expected an object such as {\"key\": ..., \"tier\": ...}, got \"premium\"",
            "[1]                                          | policy result rate_limit: expected an object such as {\"key\": ..., \"tier\": ...}, got a list",
            "{\"key\": \"a\"}                             | policy result rate_limit: needs either tier or rate (with per)",
            "{\"key\": 42, \"tier\": \"basic\"}            | policy result rate_limit: key: expected a non-empty string, got number 42",
            "{\"key\": \"\", \"tier\": \"basic\"}          | policy result rate_limit: key: expected a non-empty string, got \"\"",
            "{\"key\": \"a\", \"tier\": \"gold\"}          | policy result rate_limit: tier: unknown tier \"gold\"; this tenant defines",
            "{\"key\": \"a\", \"tier\": 1}                 | policy result rate_limit: tier: expected a tier name, got number 1",
            "{\"key\": \"a\", \"tier\": \"basic\", \"rate\": 5} | policy result rate_limit: give either tier or rate/per/burst, not both",
            "{\"key\": \"a\", \"rate\": \"fifty\", \"per\": \"second\"} | policy result rate_limit: rate: expected a positive whole number, got \"fifty\"",
            "{\"key\": \"a\", \"rate\": 0, \"per\": \"second\"} | policy result rate_limit: rate: expected a positive whole number, got number 0",
            "{\"key\": \"a\", \"rate\": 5}                 | policy result rate_limit: per: expected one of second, minute, hour, got nothing",
            "{\"key\": \"a\", \"rate\": 5, \"per\": \"week\"} | policy result rate_limit: per: expected one of second, minute, hour, got \"week\"",
            "{\"key\": \"a\", \"rate\": 5, \"per\": \"second\", \"burst\": -1} | policy result rate_limit: burst: expected a positive whole number, got number -1",
            "{\"key\": \"a\", \"tier\": \"basic\", \"cost\": 2} | policy result rate_limit: unknown field \"cost\"; expected key, tier, rate, per, burst",
    })
    void malformedObjectsAreEvaluationErrors(String json, String expected) {
        var r = assertInstanceOf(RateLimitResult.PolicyError.class, check(ALICE, json));
        assertTrue(r.message().startsWith(expected), r.message());
        assertFalse(r.allowed());
        assertEquals(500, RateLimitResponse.of(r).status());
        assertEquals(1, limiter.metrics().policyErrors());
    }
}
