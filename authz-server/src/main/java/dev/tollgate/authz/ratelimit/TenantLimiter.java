package dev.tollgate.authz.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * One tenant's limits at run time. Local buckets live in two size-bounded Caffeine maps keyed by
 * strings the request already carries, so a hit allocates nothing:
 * <ul>
 *   <li>{@code callerBuckets}: caller SPIFFE ID → one bucket per configured rule (a row of
 *       {@code long}s indexed by rule position, the default last);</li>
 *   <li>{@code policyBuckets}: key chosen by the policy → one bucket.</li>
 * </ul>
 */
final class TenantLimiter {
    private static final int POLICY_SLOT = 0;

    private final String tenant;
    private final TenantRateLimits config;
    private final LimitRule[] rules;
    private final AppliedLimit[] limits;
    private final AppliedLimit defaultLimit;
    private final Map<String, AppliedLimit> tierLimits;
    private final Cache<String, AtomicLongArray> callerBuckets;
    private final Cache<String, AtomicLongArray> policyBuckets;
    private final Function<String, AtomicLongArray> newCallerRow;
    private final Function<String, AtomicLongArray> newPolicyRow;
    private final RedisCounters redis;
    private final String redisKeyPrefix;
    private final RateLimitMetrics metrics;

    TenantLimiter(String tenant, TenantRateLimits config, Ticker ticker, RedisCounters redis, RateLimitMetrics metrics) {
        this.tenant = tenant;
        this.config = config;
        List<LimitRule> ordered = config.rulesMostSpecificFirst();
        this.rules = ordered.toArray(LimitRule[]::new);
        this.limits = new AppliedLimit[rules.length];
        long longestWindow = 0;
        for (int i = 0; i < rules.length; i++) {
            limits[i] = AppliedLimit.of(rules[i].name(), rules[i].rate());
            longestWindow = Math.max(longestWindow, limits[i].windowNanos());
        }
        this.defaultLimit = config.defaultRule() == null ? null
                : AppliedLimit.of(config.defaultRule().name(), config.defaultRule().rate());
        if (defaultLimit != null) {
            longestWindow = Math.max(longestWindow, defaultLimit.windowNanos());
        }
        Map<String, AppliedLimit> tiers = new HashMap<>();
        for (var e : config.tiers().entrySet()) {
            AppliedLimit limit = AppliedLimit.of("tier:" + e.getKey(), e.getValue());
            tiers.put(e.getKey(), limit);
            longestWindow = Math.max(longestWindow, limit.windowNanos());
        }
        this.tierLimits = Map.copyOf(tiers);
        // Forgetting a bucket before it has refilled would hand out tokens early, so idle expiry
        // is never shorter than the longest configured refill window.
        Duration idle = config.idleExpiry().compareTo(Duration.ofNanos(longestWindow)) >= 0
                ? config.idleExpiry() : Duration.ofNanos(longestWindow);
        this.callerBuckets = Caffeine.newBuilder().maximumSize(config.maxKeys()).expireAfterAccess(idle).ticker(ticker).build();
        this.policyBuckets = Caffeine.newBuilder().maximumSize(config.maxKeys()).expireAfterAccess(idle).ticker(ticker).build();
        int slots = rules.length + 1;
        this.newCallerRow = key -> new AtomicLongArray(slots);
        this.newPolicyRow = key -> new AtomicLongArray(1);
        this.redis = config.counters() == TenantRateLimits.Counters.REDIS ? redis : null;
        this.redisKeyPrefix = redis == null ? null : redis.settings().keyPrefix() + tenant + ":";
        this.metrics = metrics;
    }

    /** Whether the policy's result carries a {@code rate_limit} to apply (else the configured rules decide). */
    static boolean policyChose(JsonNode policyLimit) {
        return policyLimit != null && !policyLimit.isNull() && !policyLimit.isMissingNode();
    }

    /** Whether configured rules or a default can limit a request the policy chose no limit for. */
    boolean limitsByConfig() {
        return rules.length > 0 || defaultLimit != null;
    }

    RateLimitResult check(Caller caller, String method, String path, JsonNode policyLimit, long now) {
        if (policyChose(policyLimit)) {
            return checkPolicyLimit(caller, policyLimit, now);
        }
        int slot = match(caller, method, path);
        if (slot < 0) {
            return RateLimitResult.Unlimited.INSTANCE;
        }
        AppliedLimit limit = slot < rules.length ? limits[slot] : defaultLimit;
        String key = caller.bucketKey();
        if (redis != null) {
            return viaRedis(limit, key, "r:" + limit.name() + ":", callerBuckets, newCallerRow, slot, now);
        }
        return local(limit, key, callerBuckets.get(key, newCallerRow), slot, now);
    }

    private RateLimitResult checkPolicyLimit(Caller caller, JsonNode node, long now) {
        PolicyRateLimit chosen = PolicyRateLimit.parse(node, tierLimits, caller);
        if (chosen.error() != null) {
            metrics.recordPolicyError();
            return new RateLimitResult.PolicyError(chosen.error());
        }
        if (redis != null) {
            return viaRedis(chosen.limit(), chosen.key(), "p:", policyBuckets, newPolicyRow, POLICY_SLOT, now);
        }
        return local(chosen.limit(), chosen.key(), policyBuckets.get(chosen.key(), newPolicyRow), POLICY_SLOT, now);
    }

    /** Index of the first matching rule in specificity order, {@code rules.length} for the default, -1 for none. */
    int match(Caller caller, String method, String path) {
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].matches(caller, method, path)) {
                return i;
            }
        }
        return defaultLimit == null ? -1 : rules.length;
    }

    private RateLimitResult local(AppliedLimit limit, String key, AtomicLongArray row, int slot, long now) {
        long d = Gcra.acquire(row, slot, now, limit.intervalNanos(), limit.windowNanos());
        return outcome(limit, key, d, limit.intervalNanos(), limit.windowNanos());
    }

    private RateLimitResult viaRedis(AppliedLimit limit, String key, String scope,
                                     Cache<String, AtomicLongArray> fallbackBuckets,
                                     Function<String, AtomicLongArray> newRow, int slot, long now) {
        try {
            long micros = redis.acquireMicros(redisKeyPrefix + scope + key, limit.intervalMicros(), limit.windowMicros());
            metrics.recordRedisCall();
            return outcome(limit, key, micros * 1000, limit.intervalMicros() * 1000, limit.windowMicros() * 1000);
        } catch (RedisCounters.Unavailable e) {
            if (e.attempted()) {
                metrics.recordRedisError();
            }
            if (config.onRedisFailure() == TenantRateLimits.OnRedisFailure.DENY) {
                metrics.recordDeniedUnavailable();
                return new RateLimitResult.CountersUnavailable(limit.name(), key, e.getMessage());
            }
            metrics.recordFallback();
            return local(limit, key, fallbackBuckets.get(key, newRow), slot, now);
        }
    }

    private RateLimitResult outcome(AppliedLimit limit, String key, long d, long intervalNanos, long windowNanos) {
        if (Gcra.admitted(d, windowNanos)) {
            metrics.recordAllowed();
            if (!config.budgetHeaders()) {
                return limit.allowed();
            }
            return new RateLimitResult.AllowedWithBudget(limit.name(), key, limit.rate().burst(),
                    Gcra.remaining(d, intervalNanos, windowNanos), Gcra.ceilSeconds(Gcra.resetNanos(d, intervalNanos, windowNanos)));
        }
        metrics.recordLimited();
        return new RateLimitResult.OverLimit(limit.name(), key, limit.rate().burst(),
                Gcra.ceilSeconds(Gcra.resetNanos(d, intervalNanos, windowNanos)),
                Math.max(1, Gcra.ceilSeconds(Gcra.retryAfterNanos(d, windowNanos))));
    }

    String tenant() {
        return tenant;
    }

    TenantRateLimits config() {
        return config;
    }

    /** Local buckets held, after pending evictions are applied. */
    long cleanUpAndCount() {
        callerBuckets.cleanUp();
        policyBuckets.cleanUp();
        return callerBuckets.estimatedSize() + policyBuckets.estimatedSize();
    }

    TenantRateLimits limits() {
        return config;
    }
}
