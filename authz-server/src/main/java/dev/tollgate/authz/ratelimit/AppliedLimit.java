package dev.tollgate.authz.ratelimit;

/**
 * A limit ready for the hot path: the rate's interval and window precomputed, and the shared
 * {@link RateLimitResult.Allowed} value so that an admitted request allocates nothing.
 */
record AppliedLimit(String name, Rate rate, long intervalNanos, long windowNanos, RateLimitResult.Allowed allowed) {

    static AppliedLimit of(String name, Rate rate) {
        return new AppliedLimit(name, rate, rate.intervalNanos(), rate.windowNanos(),
                new RateLimitResult.Allowed(name, rate.burst()));
    }

    /** Redis counts in microseconds: the interval is rounded up, so rates above 1,000,000/s count as 1,000,000/s there. */
    long intervalMicros() {
        return Math.ceilDiv(intervalNanos, 1000L);
    }

    long windowMicros() {
        return intervalMicros() * rate.burst();
    }
}
