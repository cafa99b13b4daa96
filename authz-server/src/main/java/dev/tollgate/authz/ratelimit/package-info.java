/**
 * Per-identity rate limits decided in the same ext_authz {@code Check} as the policy, keyed on the
 * caller's SPIFFE ID. Entry point: {@link dev.tollgate.authz.ratelimit.RateLimiter} (its javadoc
 * describes the call the Check pipeline makes after a policy allowed a request).
 *
 * <h2>Configuration: {@code rate_limits:} in a tenant's {@code tenant.yaml}</h2>
 * <pre>{@code
 * rate_limits:
 *   counters: local            # local (default) | redis: shared by all replicas (needs server redis settings)
 *   on_redis_failure: local    # local (default): count locally while Redis is slow/down | deny: 503
 *   budget_headers: false      # true: allowed responses carry ratelimit-limit/-remaining/-reset
 *   max_keys: 100000           # buckets held per tenant (LRU-ish beyond that, Caffeine's W-TinyLFU)
 *   idle_expiry_seconds: 600   # forget idle buckets (raised to the longest refill window)
 *   tiers:                     # named rates, for rules, the default, and policies
 *     premium: {rate: 1000, per: second, burst: 2000}
 *     standard: {rate: 100, per: second}     # burst defaults to rate
 *   default: {tier: standard}  # optional: applies when no rule matches; without it, unlimited
 *   rules:
 *     - name: transfers        # required, unique; shows in dynamic_metadata and Redis keys
 *       match:                 # all given fields must match; absent = any
 *         spiffe_id: spiffe://bank-a.example/ns/payments/sa/api   # exact; alone
 *         # or spiffe_id_glob: "spiffe://bank-a.example/ns/*\/sa/batch-*"   (alone)
 *         # or namespace: payments  [+ service_account: api]  [+ trust_domain: bank-a.example]
 *         # or trust_domain: partner.example
 *         method: POST         # or a list [GET, HEAD]; a rule with method or path never matches TCP checks
 *         path: /v1/transfers/*
 *       rate: 20               # tokens per `per`: second | minute | hour
 *       per: second
 *       burst: 40              # bucket capacity; or `tier: premium` instead of rate/per/burst
 * }</pre>
 * Globs: {@code *} any run without {@code /}, {@code **} any run, {@code ?} one character
 * except {@code /}; at most 63 tokens. Each matching caller has its own bucket per rule
 * (anonymous callers share one per rule).
 *
 * <h2>Which rule applies</h2>
 * The first in this order whose match holds; the tenant default after all rules:
 * <ol>
 *   <li>identity selector: exact {@code spiffe_id} &gt; {@code namespace}+{@code service_account}
 *       &gt; {@code namespace} &gt; {@code trust_domain} &gt; {@code spiffe_id_glob} &gt; none;</li>
 *   <li>then a rule that names methods before one that does not;</li>
 *   <li>then path: exact &gt; glob with more literal characters &gt; no path;</li>
 *   <li>then declaration order.</li>
 * </ol>
 *
 * <h2>Limits chosen by the policy</h2>
 * A policy result may carry {@code rate_limit: {"key": "acct-42", "tier": "premium"}} or
 * {@code {"key": "acct-42", "rate": 50, "per": "second", "burst": 10}}; it replaces the
 * configured rules for that request, and callers that get the same key share its bucket. A
 * malformed object yields {@link dev.tollgate.authz.ratelimit.RateLimitResult.PolicyError}.
 *
 * <h2>Counting</h2>
 * Local buckets are one {@code long} each (the GCRA form of a token bucket, updated by CAS) in
 * size-bounded Caffeine maps sharing the limiter's {@code Ticker}. Redis buckets use the same
 * algorithm in one Lua script on Redis time, with a timeout and a circuit breaker around every
 * call. While Redis is unavailable and the tenant falls back locally, each replica admits up to
 * its own local budget. A bucket evicted because {@code max_keys} is exceeded starts full again.
 */
package dev.tollgate.authz.ratelimit;
