package dev.tollgate.authz.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-identity rate limits, decided inside the same ext_authz {@code Check} as the policy.
 *
 * <h2>The seam with the Check pipeline</h2>
 * After the tenant's policy has <b>allowed</b> a request (and only then: this class does not know
 * about policy decisions, and counting denied requests would let a caller exhaust its budget with
 * requests that never reach the upstream), the server calls
 * <pre>{@code
 * RateLimitResult r = limiter.check(tenant, caller, method, path, decision.rateLimit());
 * RateLimitResponse http = RateLimitResponse.of(r);
 * if (r instanceof RateLimitResult.PolicyError e) -> treat as a policy evaluation error (reason e.message())
 * else if (!http.proceeds())  -> denied_response with http.status() (429/503), http.headers(),
 *                               and http.dynamicMetadata() merged into dynamic_metadata
 * else                        -> ok_response; add http.headers() to response_headers_to_add
 * }</pre>
 * where
 * <ul>
 *   <li>{@code tenant} is the tenant name the server resolved (unknown tenants are unlimited);</li>
 *   <li>{@code caller} is a {@link Caller} built from the server's parsed SPIFFE identity, or
 *       {@link Caller#ANONYMOUS};</li>
 *   <li>{@code method}, {@code path} are the HTTP method and the path without query string, both
 *       {@code null} for TCP checks;</li>
 *   <li>{@code decision.rateLimit()} is the {@code rate_limit} field of the policy's result object
 *       as a Jackson node, or {@code null} when the policy gave none.</li>
 * </ul>
 * {@code check} never throws for bad input and never blocks longer than the Redis timeout (a local
 * check does no I/O and takes no lock). When the policy chose a limit it replaces the configured
 * rules for that request; otherwise the most specific configured rule applies (order in the package
 * documentation), then the tenant default, else the request is unlimited.
 *
 * <h2>Lifecycle</h2>
 * Build once at start-up with every tenant's {@link TenantRateLimits}; on a config reload call
 * {@link #replaceTenant} (that tenant's local counters start afresh). Export {@link #metrics()}.
 * {@link #close()} releases the Redis connection. Thread-safe.
 */
public final class RateLimiter implements AutoCloseable {
    private final Ticker ticker;
    private final long origin;
    private final RedisCounters redis;
    private final RateLimitMetrics metrics;
    private volatile Map<String, TenantLimiter> tenants;

    private RateLimiter(Ticker ticker, RedisSettings redisSettings, Map<String, TenantRateLimits> tenantConfigs)
            throws RateLimitConfigException {
        this.ticker = ticker;
        this.origin = ticker.read();
        for (var e : tenantConfigs.entrySet()) {
            requireRedisIfNeeded(e.getKey(), e.getValue(), redisSettings);
        }
        this.redis = redisSettings == null ? null : new RedisCounters(redisSettings);
        this.metrics = new RateLimitMetrics(redis == null ? () -> "DISABLED" : redis::breakerState);
        Map<String, TenantLimiter> built = new HashMap<>();
        tenantConfigs.forEach((name, config) -> built.put(name, new TenantLimiter(name, config, ticker, redis, metrics)));
        this.tenants = Map.copyOf(built);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Ticker ticker = Ticker.systemTicker();
        private RedisSettings redis;
        private final Map<String, TenantRateLimits> tenants = new LinkedHashMap<>();

        private Builder() {
        }

        /** The clock for buckets and idle expiry; tests pass a fake one. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker);
            return this;
        }

        /** Enables shared counters for tenants configured with {@code counters: redis}. */
        public Builder redis(RedisSettings settings) {
            this.redis = settings;
            return this;
        }

        public Builder tenant(String name, TenantRateLimits limits) {
            tenants.put(Objects.requireNonNull(name), Objects.requireNonNull(limits));
            return this;
        }

        /** Fails when a tenant counts in Redis but no Redis is configured. */
        public RateLimiter build() throws RateLimitConfigException {
            return new RateLimiter(ticker, redis, tenants);
        }
    }

    /**
     * Whether {@link #check} could count this request: false means it would answer
     * {@code Unlimited}, so callers may skip building its caller and path.
     */
    public boolean mayLimit(String tenant, JsonNode policyRateLimit) {
        TenantLimiter limiter = tenant == null ? null : tenants.get(tenant);
        return limiter != null && (TenantLimiter.policyChose(policyRateLimit) || limiter.limitsByConfig());
    }

    /** Decides one policy-allowed request; see the class documentation. */
    public RateLimitResult check(String tenant, Caller caller, String method, String path, JsonNode policyRateLimit) {
        TenantLimiter limiter = tenant == null ? null : tenants.get(tenant);
        if (limiter == null) {
            return RateLimitResult.Unlimited.INSTANCE;
        }
        return limiter.check(caller == null ? Caller.ANONYMOUS : caller, method, path, policyRateLimit,
                ticker.read() - origin);
    }

    /**
     * Installs or replaces a tenant's limits. Changed limits start with fresh local counters;
     * limits equal to the installed ones (a policy reload that left {@code rate_limits} alone)
     * keep theirs.
     */
    public synchronized void replaceTenant(String tenant, TenantRateLimits limits) throws RateLimitConfigException {
        requireRedisIfNeeded(tenant, limits, redis == null ? null : redis.settings());
        TenantLimiter current = tenants.get(tenant);
        if (current != null && current.limits().equals(limits)) {
            return;
        }
        Map<String, TenantLimiter> next = new HashMap<>(tenants);
        next.put(tenant, new TenantLimiter(tenant, limits, ticker, redis, metrics));
        tenants = Map.copyOf(next);
    }

    public synchronized void removeTenant(String tenant) {
        Map<String, TenantLimiter> next = new HashMap<>(tenants);
        next.remove(tenant);
        tenants = Map.copyOf(next);
    }

    public RateLimitMetrics metrics() {
        return metrics;
    }

    /** Local buckets currently held for a tenant, after pending evictions (for tests and diagnostics). */
    public long localBucketCount(String tenant) {
        TenantLimiter limiter = tenants.get(tenant);
        return limiter == null ? 0 : limiter.cleanUpAndCount();
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }

    private static void requireRedisIfNeeded(String tenant, TenantRateLimits limits, RedisSettings redis)
            throws RateLimitConfigException {
        if (limits.counters() == TenantRateLimits.Counters.REDIS && redis == null) {
            throw new RateLimitConfigException(List.of("tenant " + tenant
                    + ": rate_limits.counters is redis, but the server has no redis settings"));
        }
    }
}
