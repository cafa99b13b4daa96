package dev.tollgate.authz.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.ratelimit.Fixtures.FakeTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BucketArithmeticTest {
    private static final Caller CALLER = Fixtures.k8s("bank-a.example", "payments", "api");

    private final FakeTicker clock = new FakeTicker();

    private RateLimiter limiterWith(long rate, String per, long burst) throws Exception {
        return Fixtures.limiter(clock, """
                rate_limits:
                  budget_headers: true
                  default: {rate: %d, per: %s, burst: %d}
                """.formatted(rate, per, burst));
    }

    private RateLimitResult take(RateLimiter limiter) {
        return limiter.check("bank-a", CALLER, "GET", "/", null);
    }

    private int takeWhileAllowed(RateLimiter limiter) {
        int n = 0;
        while (take(limiter).allowed()) {
            n++;
        }
        return n;
    }

    @Test
    void aFreshBucketHoldsExactlyTheBurst() throws Exception {
        RateLimiter limiter = limiterWith(10, "second", 5);
        assertEquals(5, takeWhileAllowed(limiter));
    }

    @Test
    void idleTimeNeverStoresMoreThanTheBurst() throws Exception {
        RateLimiter limiter = limiterWith(10, "second", 5);
        takeWhileAllowed(limiter);
        clock.advance(Duration.ofHours(3));
        assertEquals(5, takeWhileAllowed(limiter));
    }

    /** rate, per, burst, nanoseconds waited after emptying the bucket, tokens available then. */
    @ParameterizedTest(name = "{0}/{1} burst {2}: after {3} ns -> {4} tokens")
    @CsvSource({
            "10, second, 10, 99999999, 0",
            "10, second, 10, 100000000, 1",
            "10, second, 10, 550000000, 5",
            "10, second, 10, 5000000000, 10",
            "60, minute, 1, 999999999, 0",
            "60, minute, 1, 1000000000, 1",
            "2, hour, 2, 1799999999999, 0",
            "2, hour, 2, 1800000000000, 1",
            "2, hour, 2, 3600000000000, 2",
            // fractional: 3/s refills one token every 333,333,333.3 ns, rounded up to never exceed the rate
            "3, second, 1, 333333333, 0",
            "3, second, 1, 333333334, 1",
            "3, second, 3, 666666668, 2",
            "1, second, 1, 1, 0",
    })
    void refillsAtTheConfiguredRate(long rate, String per, long burst, long waitedNanos, int tokens) throws Exception {
        RateLimiter limiter = limiterWith(rate, per, burst);
        assertEquals(burst, takeWhileAllowed(limiter));
        clock.advanceNanos(waitedNanos);
        assertEquals(tokens, takeWhileAllowed(limiter));
    }

    @Test
    void reportsRemainingResetAndRetryAfter() throws Exception {
        RateLimiter limiter = limiterWith(60, "minute", 3); // one token per second
        var first = assertInstanceOf(RateLimitResult.AllowedWithBudget.class, take(limiter));
        assertEquals(new RateLimitResult.AllowedWithBudget("default", CALLER.spiffeId(), 3, 2, 1), first);
        take(limiter);
        var third = assertInstanceOf(RateLimitResult.AllowedWithBudget.class, take(limiter));
        assertEquals(0, third.remaining());
        assertEquals(3, third.resetSeconds());
        var refused = assertInstanceOf(RateLimitResult.OverLimit.class, take(limiter));
        assertEquals(new RateLimitResult.OverLimit("default", CALLER.spiffeId(), 3, 3, 1), refused);
        clock.advance(Duration.ofMillis(1500));
        var again = assertInstanceOf(RateLimitResult.AllowedWithBudget.class, take(limiter));
        assertEquals(0, again.remaining());
        assertEquals(3, again.resetSeconds()); // 2.5 s to full, rounded up
        var refusedAgain = assertInstanceOf(RateLimitResult.OverLimit.class, take(limiter));
        assertEquals(1, refusedAgain.retryAfterSeconds()); // 0.5 s, rounded up
    }

    @Test
    void refusalsDoNotSpendTokens() throws Exception {
        RateLimiter limiter = limiterWith(1, "second", 1);
        assertTrue(take(limiter).allowed());
        for (int i = 0; i < 100; i++) {
            assertFalse(take(limiter).allowed());
        }
        clock.advance(Duration.ofSeconds(1));
        assertTrue(take(limiter).allowed());
    }

    @Test
    void callersHaveSeparateBuckets() throws Exception {
        RateLimiter limiter = limiterWith(1, "minute", 1);
        assertTrue(limiter.check("bank-a", CALLER, "GET", "/", null).allowed());
        assertFalse(limiter.check("bank-a", CALLER, "GET", "/", null).allowed());
        assertTrue(limiter.check("bank-a", Fixtures.k8s("bank-a.example", "payments", "web"), "GET", "/", null).allowed());
        assertTrue(limiter.check("bank-a", Caller.ANONYMOUS, "GET", "/", null).allowed());
        assertFalse(limiter.check("bank-a", Caller.ANONYMOUS, "GET", "/", null).allowed());
        assertEquals(3, limiter.metrics().allowed());
        assertEquals(2, limiter.metrics().limited());
    }

    @Test
    void gcraWordIsTheTheoreticalArrivalTime() {
        var row = new AtomicLongArray(1);
        long t = 1_000;
        long window = 3 * t;
        assertEquals(t, Gcra.acquire(row, 0, 50_000, t, window));
        assertEquals(51_000, row.get(0));
        assertEquals(2 * t, Gcra.acquire(row, 0, 50_000, t, window));
        assertEquals(3 * t, Gcra.acquire(row, 0, 50_000, t, window));
        assertEquals(4 * t, Gcra.acquire(row, 0, 50_000, t, window)); // refused: state unchanged
        assertEquals(53_000, row.get(0));
        assertEquals(0, Gcra.remaining(4 * t, t, window));
        assertEquals(t, Gcra.retryAfterNanos(4 * t, window));
        assertEquals(3 * t, Gcra.resetNanos(4 * t, t, window));
    }

    @Test
    void unknownTenantsAreUnlimited() throws Exception {
        RateLimiter limiter = limiterWith(1, "second", 1);
        assertInstanceOf(RateLimitResult.Unlimited.class, limiter.check("bank-z", CALLER, "GET", "/", null));
        assertInstanceOf(RateLimitResult.Unlimited.class, limiter.check(null, CALLER, "GET", "/", null));
    }

    @Test
    void reinstallingEqualLimitsKeepsTheCountersAndChangedLimitsStartAfresh() throws Exception {
        String yaml = """
                rate_limits:
                  default: {rate: 10, per: second, burst: 5}
                  rules: [{name: payments, match: {namespace: payments, method: POST, path: "/v1/*"}, rate: 3, per: minute}]
                """;
        RateLimiter limiter = Fixtures.limiter(clock, yaml);
        take(limiter);
        take(limiter);
        limiter.replaceTenant("bank-a", Fixtures.tenantYaml(yaml)); // a policy reload that left rate_limits alone
        assertEquals(3, takeWhileAllowed(limiter));
        limiter.replaceTenant("bank-a", Fixtures.tenantYaml(yaml.replace("burst: 5", "burst: 6")));
        assertEquals(6, takeWhileAllowed(limiter));
    }
}
