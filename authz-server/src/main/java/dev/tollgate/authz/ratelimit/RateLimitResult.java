package dev.tollgate.authz.ratelimit;

/**
 * What the rate limiter decided for one allowed-by-policy request. Numbers follow the IETF
 * RateLimit header fields draft: {@code limit} is the bucket capacity (burst), {@code remaining}
 * whole tokens left, {@code resetSeconds} seconds until the bucket is full again,
 * {@code retryAfterSeconds} seconds until the next request can be admitted. Seconds are rounded
 * up. Turn a result into HTTP with {@link RateLimitResponse#of}.
 */
public sealed interface RateLimitResult {

    /** Whether the request may proceed. */
    boolean allowed();

    /** No rule, default or policy limit applies to this request (or the tenant has no limits). */
    record Unlimited() implements RateLimitResult {
        static final Unlimited INSTANCE = new Unlimited();

        @Override
        public boolean allowed() {
            return true;
        }
    }

    /**
     * Admitted; the tenant does not report budgets on allowed responses ({@code budget_headers: false}),
     * so nothing per caller is carried and the instance is shared (no allocation per request).
     */
    record Allowed(String limitName, long limit) implements RateLimitResult {
        @Override
        public boolean allowed() {
            return true;
        }
    }

    /** Admitted, with the budget left for {@code key} ({@code budget_headers: true}). */
    record AllowedWithBudget(String limitName, String key, long limit, long remaining, long resetSeconds)
            implements RateLimitResult {
        @Override
        public boolean allowed() {
            return true;
        }
    }

    /** Refused: {@code key} has no token left under {@code limitName}. */
    record OverLimit(String limitName, String key, long limit, long resetSeconds, long retryAfterSeconds)
            implements RateLimitResult {
        @Override
        public boolean allowed() {
            return false;
        }
    }

    /**
     * Refused because the tenant counts in Redis, Redis could not answer in time (or its circuit
     * breaker is open), and the tenant is configured {@code on_redis_failure: deny}.
     */
    record CountersUnavailable(String limitName, String key, String reason) implements RateLimitResult {
        @Override
        public boolean allowed() {
            return false;
        }
    }

    /**
     * The policy returned a malformed {@code rate_limit} object. This is a policy evaluation error:
     * the caller must handle it as such (deny, fail closed unless the tenant says otherwise), with
     * {@code message} as the reason.
     */
    record PolicyError(String message) implements RateLimitResult {
        @Override
        public boolean allowed() {
            return false;
        }
    }
}
