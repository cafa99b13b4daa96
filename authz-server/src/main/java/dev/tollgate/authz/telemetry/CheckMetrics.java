package dev.tollgate.authz.telemetry;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-tenant Check counters and latency. Label values are bounded: tenants are the configured
 * tenant names (at most {@value #MAX_TENANTS}; {@code ""} when no tenant was resolved), reasons
 * come from a fixed set ({@code other} for anything else), rate-limit results from a fixed set.
 * Recording never locks and, once a series exists, never allocates.
 */
public final class CheckMetrics implements MetricSource {
    static final int MAX_TENANTS = 1000;
    static final String OVERFLOW_TENANT = "_other";
    static final String OTHER_REASON = "other";

    /** Rate-limit outcomes counted in {@code tollgate_ratelimit_decisions_total}. */
    public enum RateLimitOutcome {
        ALLOWED("allowed"), LIMITED("limited"), UNAVAILABLE("unavailable"), POLICY_ERROR("policy_error");

        private final String label;

        RateLimitOutcome(String label) {
            this.label = label;
        }
    }

    private static final class Series {
        final ConcurrentHashMap<String, LongAdder> allowedByReason = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, LongAdder> deniedByReason = new ConcurrentHashMap<>();
        final Histogram duration = new Histogram();
        final LongAdder evalErrors = new LongAdder();
        final LongAdder[] rateLimit = new LongAdder[RateLimitOutcome.values().length];

        Series() {
            for (int i = 0; i < rateLimit.length; i++) {
                rateLimit[i] = new LongAdder();
            }
        }
    }

    private final Set<String> reasons;
    private final Set<String> evalErrorReasons;
    private final ConcurrentHashMap<String, Series> tenants = new ConcurrentHashMap<>();

    /**
     * @param reasons          every reason code that gets its own label value
     * @param evalErrorReasons the reason codes that mean "the policy failed to evaluate"
     */
    public CheckMetrics(Set<String> reasons, Set<String> evalErrorReasons) {
        this.reasons = Set.copyOf(reasons);
        this.evalErrorReasons = Set.copyOf(evalErrorReasons);
    }

    /** One finished Check; {@code tenant} is null when none was resolved. */
    public void recordCheck(String tenant, boolean allowed, String reason, long durationNanos) {
        Series s = series(tenant);
        ConcurrentHashMap<String, LongAdder> byReason = allowed ? s.allowedByReason : s.deniedByReason;
        // Keys are known reasons (or OTHER_REASON), so a hit needs no check against the reason set;
        // get first: computeIfAbsent may lock the bin even when present.
        LongAdder n = byReason.get(reason);
        if (n == null) {
            n = byReason.computeIfAbsent(reasons.contains(reason) ? reason : OTHER_REASON, k -> new LongAdder());
        }
        n.increment();
        s.duration.record(durationNanos);
        if (evalErrorReasons.contains(reason)) {
            s.evalErrors.increment();
        }
    }

    public void recordRateLimit(String tenant, RateLimitOutcome outcome) {
        series(tenant).rateLimit[outcome.ordinal()].increment();
    }

    /** Makes a tenant's series exist before its first check, so dashboards see zeros. */
    public void declareTenant(String tenant) {
        series(tenant);
    }

    private Series series(String tenant) {
        String name = tenant == null ? "" : tenant;
        Series s = tenants.get(name);
        if (s == null) {
            if (tenants.size() >= MAX_TENANTS) {
                name = OVERFLOW_TENANT;
            }
            s = tenants.computeIfAbsent(name, k -> new Series());
        }
        return s;
    }

    @Override
    public void collect(MetricWriter out) {
        Map<String, Series> sorted = new TreeMap<>(tenants);
        out.family("tollgate_checks_total", MetricWriter.Type.COUNTER,
                "Check decisions by tenant (empty when none was resolved), decision and reason code.");
        sorted.forEach((tenant, s) -> {
            new TreeMap<>(s.allowedByReason).forEach((reason, n) ->
                    out.sample(n.sum(), "tenant", tenant, "decision", "allow", "reason", reason));
            new TreeMap<>(s.deniedByReason).forEach((reason, n) ->
                    out.sample(n.sum(), "tenant", tenant, "decision", "deny", "reason", reason));
        });
        out.family("tollgate_check_duration_seconds", MetricWriter.Type.HISTOGRAM,
                "Time from receiving a Check to having its decision, by tenant.");
        sorted.forEach((tenant, s) -> s.duration.write(out, "tollgate_check_duration_seconds", "tenant", tenant));
        out.family("tollgate_policy_eval_errors_total", MetricWriter.Type.COUNTER,
                "Checks whose policy evaluation failed or returned a malformed result, by tenant.");
        sorted.forEach((tenant, s) -> out.sample(s.evalErrors.sum(), "tenant", tenant));
        out.family("tollgate_ratelimit_decisions_total", MetricWriter.Type.COUNTER,
                "Rate-limit decisions on policy-allowed checks that some limit applied to, by tenant and result.");
        sorted.forEach((tenant, s) -> {
            for (RateLimitOutcome o : RateLimitOutcome.values()) {
                out.sample(s.rateLimit[o.ordinal()].sum(), "tenant", tenant, "result", o.label);
            }
        });
    }
}
