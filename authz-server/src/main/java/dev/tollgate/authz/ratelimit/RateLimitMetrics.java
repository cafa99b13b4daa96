package dev.tollgate.authz.ratelimit;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Counters for export by the server's telemetry. Cheap to update from many threads; read them
 * with the getters or {@link #snapshot()}.
 */
public final class RateLimitMetrics {
    private final LongAdder allowed = new LongAdder();
    private final LongAdder limited = new LongAdder();
    private final LongAdder redisCalls = new LongAdder();
    private final LongAdder redisErrors = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder deniedUnavailable = new LongAdder();
    private final LongAdder policyErrors = new LongAdder();
    private final Supplier<String> breakerState;

    RateLimitMetrics(Supplier<String> breakerState) {
        this.breakerState = breakerState;
    }

    /** Requests admitted under some limit (unlimited requests are not counted). */
    public long allowed() {
        return allowed.sum();
    }

    /** Requests refused for being over their limit. */
    public long limited() {
        return limited.sum();
    }

    /** Redis script calls that returned an answer. */
    public long redisCalls() {
        return redisCalls.sum();
    }

    /** Redis calls that failed or timed out. */
    public long redisErrors() {
        return redisErrors.sum();
    }

    /** Requests counted locally because Redis failed, timed out, or the breaker was open. */
    public long fallbacks() {
        return fallbacks.sum();
    }

    /** Requests refused because Redis could not answer and the tenant says {@code on_redis_failure: deny}. */
    public long deniedUnavailable() {
        return deniedUnavailable.sum();
    }

    /** Malformed {@code rate_limit} objects returned by policies. */
    public long policyErrors() {
        return policyErrors.sum();
    }

    /** The Redis circuit breaker: CLOSED, OPEN, HALF_OPEN, ... or DISABLED when no Redis is configured. */
    public String breakerState() {
        return breakerState.get();
    }

    public Snapshot snapshot() {
        return new Snapshot(allowed(), limited(), redisCalls(), redisErrors(), fallbacks(), deniedUnavailable(),
                policyErrors(), breakerState());
    }

    public record Snapshot(long allowed, long limited, long redisCalls, long redisErrors, long fallbacks,
                           long deniedUnavailable, long policyErrors, String breakerState) {
    }

    void recordAllowed() {
        allowed.increment();
    }

    void recordLimited() {
        limited.increment();
    }

    void recordRedisCall() {
        redisCalls.increment();
    }

    void recordRedisError() {
        redisErrors.increment();
    }

    void recordFallback() {
        fallbacks.increment();
    }

    void recordDeniedUnavailable() {
        deniedUnavailable.increment();
    }

    void recordPolicyError() {
        policyErrors.increment();
    }
}
