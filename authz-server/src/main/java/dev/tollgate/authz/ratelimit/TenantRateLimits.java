package dev.tollgate.authz.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One tenant's parsed {@code rate_limits:} section, immutable. Build it with
 * {@link RateLimitConfig#parse}; hand it to {@link RateLimiter.Builder#tenant} or
 * {@link RateLimiter#replaceTenant}.
 */
public final class TenantRateLimits {

    /** Where this tenant's buckets live. */
    public enum Counters { LOCAL, REDIS }

    /** What a Redis-counted tenant does while Redis is slow, down, or its circuit breaker is open. */
    public enum OnRedisFailure { LOCAL, DENY }

    static final long DEFAULT_MAX_KEYS = 100_000;
    static final Duration DEFAULT_IDLE_EXPIRY = Duration.ofMinutes(10);

    private final List<LimitRule> rulesMostSpecificFirst;
    private final LimitRule defaultRule;
    private final Map<String, Rate> tiers;
    private final Counters counters;
    private final OnRedisFailure onRedisFailure;
    private final boolean budgetHeaders;
    private final long maxKeys;
    private final Duration idleExpiry;

    TenantRateLimits(List<LimitRule> rules, LimitRule defaultRule, Map<String, Rate> tiers, Counters counters,
                     OnRedisFailure onRedisFailure, boolean budgetHeaders, long maxKeys, Duration idleExpiry) {
        this.rulesMostSpecificFirst = rules.stream().sorted(LimitRule.MOST_SPECIFIC_FIRST).toList();
        this.defaultRule = defaultRule;
        this.tiers = Map.copyOf(tiers);
        this.counters = counters;
        this.onRedisFailure = onRedisFailure;
        this.budgetHeaders = budgetHeaders;
        this.maxKeys = maxKeys;
        this.idleExpiry = idleExpiry;
    }

    /** The rule that applies, or {@code null}: the first match in specificity order, else the default. */
    LimitRule match(Caller caller, String method, String path) {
        List<LimitRule> rules = rulesMostSpecificFirst;
        for (int i = 0, n = rules.size(); i < n; i++) {
            LimitRule rule = rules.get(i);
            if (rule.matches(caller, method, path)) {
                return rule;
            }
        }
        return defaultRule;
    }

    List<LimitRule> rulesMostSpecificFirst() {
        return rulesMostSpecificFirst;
    }

    LimitRule defaultRule() {
        return defaultRule;
    }

    Map<String, Rate> tiers() {
        return tiers;
    }

    /** Rule names in the order they are tried, the default last (for diagnostics and logs). */
    public List<String> ruleOrder() {
        var names = new java.util.ArrayList<String>();
        rulesMostSpecificFirst.forEach(r -> names.add(r.name()));
        if (defaultRule != null) {
            names.add(defaultRule.name());
        }
        return List.copyOf(names);
    }

    public Set<String> tierNames() {
        return tiers.keySet();
    }

    public Counters counters() {
        return counters;
    }

    public OnRedisFailure onRedisFailure() {
        return onRedisFailure;
    }

    /** Whether allowed responses report the remaining budget ({@code ratelimit-*} headers). */
    public boolean budgetHeaders() {
        return budgetHeaders;
    }

    public long maxKeys() {
        return maxKeys;
    }

    public Duration idleExpiry() {
        return idleExpiry;
    }

    /** Equal limits keep their counters across a policy reload. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TenantRateLimits t
                && t.rulesMostSpecificFirst.equals(rulesMostSpecificFirst)
                && java.util.Objects.equals(t.defaultRule, defaultRule)
                && t.tiers.equals(tiers)
                && t.counters == counters
                && t.onRedisFailure == onRedisFailure
                && t.budgetHeaders == budgetHeaders
                && t.maxKeys == maxKeys
                && t.idleExpiry.equals(idleExpiry);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(rulesMostSpecificFirst, defaultRule, tiers, counters, onRedisFailure,
                budgetHeaders, maxKeys, idleExpiry);
    }
}
