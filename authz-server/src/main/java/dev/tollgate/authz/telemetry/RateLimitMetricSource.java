package dev.tollgate.authz.telemetry;

import dev.tollgate.authz.ratelimit.RateLimitMetrics;
import java.util.List;
import java.util.Locale;

/** The rate limiter's server-wide counters and the Redis circuit breaker's state. */
public record RateLimitMetricSource(RateLimitMetrics metrics) implements MetricSource {
    /** Every state the gauge reports; the limiter says DISABLED when no Redis is configured. */
    static final List<String> BREAKER_STATES = List.of("CLOSED", "OPEN", "HALF_OPEN", "DISABLED", "FORCED_OPEN",
            "METRICS_ONLY");

    @Override
    public void collect(MetricWriter out) {
        out.single("tollgate_ratelimit_redis_calls_total", MetricWriter.Type.COUNTER,
                "Redis rate-limit script calls that returned an answer.", metrics.redisCalls());
        out.single("tollgate_ratelimit_redis_errors_total", MetricWriter.Type.COUNTER,
                "Redis rate-limit calls that failed or timed out.", metrics.redisErrors());
        out.single("tollgate_ratelimit_fallbacks_total", MetricWriter.Type.COUNTER,
                "Requests counted locally because Redis failed, timed out or its circuit breaker was open.",
                metrics.fallbacks());
        out.family("tollgate_ratelimit_breaker_state", MetricWriter.Type.GAUGE,
                "Redis circuit breaker: 1 for the current state, 0 for the others (DISABLED: no Redis configured).");
        String current = metrics.breakerState();
        for (String state : BREAKER_STATES) {
            out.sample(state.equals(current) ? 1 : 0, "state", state.toLowerCase(Locale.ROOT));
        }
    }
}
