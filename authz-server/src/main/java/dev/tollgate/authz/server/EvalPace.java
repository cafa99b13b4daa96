package dev.tollgate.authz.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How long each tenant's evaluations have taken lately (an exponentially weighted mean over about
 * the last eight): a tenant whose policy has turned slow leaves the transport thread, so its checks
 * cannot hold up other tenants' on the same event loop, and comes back once it is fast again.
 * Updates are plain writes: a lost update only delays the switch by one check.
 */
final class EvalPace {
    /** Mean evaluation time above which a tenant's checks move to the blocking executor. */
    static final long SLOW_NANOS = 1_000_000;
    private static final int MAX_TENANTS = 10_000;

    private static final class Mean {
        long nanos;
    }

    private final ConcurrentHashMap<String, Mean> tenants = new ConcurrentHashMap<>();

    void record(String tenant, long evalNanos) {
        Mean m = tenants.get(tenant);
        if (m == null) {
            if (tenants.size() >= MAX_TENANTS) {
                return;
            }
            m = tenants.computeIfAbsent(tenant, k -> new Mean());
        }
        long mean = m.nanos;
        m.nanos = mean + (evalNanos - mean) / 8;
    }

    boolean slow(String tenant) {
        Mean m = tenants.get(tenant);
        return m != null && m.nanos > SLOW_NANOS;
    }
}
