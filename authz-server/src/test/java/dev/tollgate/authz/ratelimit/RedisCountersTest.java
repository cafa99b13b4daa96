package dev.tollgate.authz.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Shared counters against a real redis-server started by the test. */
class RedisCountersTest {
    private static final Caller CALLER = Fixtures.k8s("bank-a.example", "payments", "api");

    static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private static RateLimiter replica(String keyPrefix, String onFailure, int rate, String per) throws Exception {
        return RateLimiter.builder()
                .redis(redis.settings(keyPrefix))
                .tenant("bank-a", Fixtures.tenantYaml("""
                        rate_limits:
                          counters: redis
                          on_redis_failure: %s
                          budget_headers: true
                          default: {rate: %d, per: %s}
                        """.formatted(onFailure, rate, per)))
                .build();
    }

    private static String prefix(TestInfo info) {
        return "test:" + info.getTestMethod().orElseThrow().getName() + ":";
    }

    private static RateLimitResult check(RateLimiter limiter) {
        return limiter.check("bank-a", CALLER, "GET", "/", null);
    }

    /** The first connection is made in the background; wait until a check has gone through Redis. */
    private static void awaitConnected(RateLimiter limiter) throws InterruptedException {
        await(() -> probe(limiter), "never reached redis: " + limiter.metrics().snapshot());
    }

    private static boolean probe(RateLimiter limiter) {
        long before = limiter.metrics().redisCalls();
        limiter.check("bank-a", Caller.ANONYMOUS, "GET", "/probe", null);
        return limiter.metrics().redisCalls() > before;
    }

    private static void await(BooleanSupplier condition, String failure) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(failure);
    }

    @Test
    void twoReplicasShareOneBucket(TestInfo info) throws Exception {
        try (RateLimiter a = replica(prefix(info), "local", 10, "hour");
             RateLimiter b = replica(prefix(info), "local", 10, "hour")) {
            awaitConnected(a);
            awaitConnected(b);
            int admitted = 0;
            for (int i = 0; i < 12; i++) {
                admitted += check(i % 2 == 0 ? a : b).allowed() ? 1 : 0;
            }
            assertEquals(10, admitted);
            var refused = assertInstanceOf(RateLimitResult.OverLimit.class, check(b));
            assertEquals(10, refused.limit());
            assertTrue(refused.retryAfterSeconds() > 300 && refused.retryAfterSeconds() <= 360, refused.toString());
            assertTrue(redis.command("EXISTS", prefix(info) + "bank-a:r:default:" + CALLER.spiffeId()).equals(":1"));
        }
    }

    @Test
    void redisLosesTheScriptCacheAndEvalLoadsItAgain(TestInfo info) throws Exception {
        try (RateLimiter a = replica(prefix(info), "deny", 100, "second")) {
            awaitConnected(a);
            assertEquals("+OK", redis.command("SCRIPT", "FLUSH"));
            long errorsBefore = a.metrics().redisErrors();
            long callsBefore = a.metrics().redisCalls();
            assertInstanceOf(RateLimitResult.AllowedWithBudget.class, check(a));
            assertEquals(errorsBefore, a.metrics().redisErrors());
            assertEquals(callsBefore + 1, a.metrics().redisCalls());
        }
    }

    @Test
    void slowRedisTimesOutAndTheTenantMayDeny(TestInfo info) throws Exception {
        try (RateLimiter a = replica(prefix(info), "deny", 100, "second")) {
            awaitConnected(a);
            CompletableFuture<String> sleeping = CompletableFuture.supplyAsync(() -> {
                try {
                    return redis.command("DEBUG", "SLEEP", "1.5");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(200); // let DEBUG SLEEP reach the server first
            long errorsBefore = a.metrics().redisErrors();
            long deniedBefore = a.metrics().deniedUnavailable();
            var r = assertInstanceOf(RateLimitResult.CountersUnavailable.class, check(a));
            assertEquals("redis did not answer within 250 ms", r.reason());
            assertEquals(503, RateLimitResponse.of(r).status());
            assertEquals(errorsBefore + 1, a.metrics().redisErrors());
            assertEquals(deniedBefore + 1, a.metrics().deniedUnavailable());
            assertEquals("+OK", sleeping.get());
        }
    }

    @Test
    void redisGoesAwayFallsBackLocallyAndComesBackByItself(TestInfo info) throws Exception {
        try (RateLimiter a = replica(prefix(info), "local", 1000, "second")) {
            awaitConnected(a);
            redis.stop();
            long fallbacksBefore = a.metrics().fallbacks();
            try {
                for (int i = 0; i < 20; i++) {
                    assertTrue(check(a).allowed(), "local fallback admits within the local burst");
                }
                RateLimitMetrics m = a.metrics();
                assertEquals(20, m.fallbacks() - fallbacksBefore);
                assertTrue(m.redisErrors() >= 3, "failed calls counted: " + m.snapshot());
                assertTrue(m.redisErrors() < 20, "the open breaker stopped calling: " + m.snapshot());
                assertEquals("OPEN", m.breakerState());
            } finally {
                redis.startAgain();
            }
            long callsBefore = a.metrics().redisCalls();
            await(() -> {
                check(a);
                return a.metrics().redisCalls() > callsBefore && "CLOSED".equals(a.metrics().breakerState());
            }, "did not return to redis after it came back: " + a.metrics().snapshot());
        }
    }
}
