package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.authz.decision.Decision;
import dev.tollgate.authz.decision.Header;
import dev.tollgate.authz.decision.Reason;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.SpiffeId;
import dev.tollgate.authz.ratelimit.Caller;
import dev.tollgate.authz.ratelimit.RateLimitResponse;
import dev.tollgate.authz.ratelimit.RateLimitResult;
import dev.tollgate.authz.ratelimit.RateLimiter;
import dev.tollgate.authz.telemetry.CheckMetrics;
import dev.tollgate.authz.telemetry.CheckMetrics.RateLimitOutcome;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-identity rate limits after the policy allowed: over the limit is a 429 deny with the
 * {@code ratelimit-*} and {@code retry-after} headers and the limit and key in dynamic metadata;
 * unavailable shared counters (tenant says {@code on_redis_failure: deny}) a 503; a malformed
 * {@code rate_limit} object from the policy is an evaluation error under the tenant's fail mode.
 */
final class RateLimitStage implements DecisionStage {
    private static final System.Logger LOG = System.getLogger(RateLimitStage.class.getName());

    private final RateLimiter limiter;
    private final CheckMetrics metrics;

    RateLimitStage(RateLimiter limiter, CheckMetrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
    }

    /** Whether this check goes to a limiter at all (false for tenants without limits). */
    boolean applies(CheckContext context, Decision decision) {
        return limiter.mayLimit(context.tenant(), decision.raw().isObject() ? decision.raw().get("rate_limit") : null);
    }

    @Override
    public Decision afterAllow(CheckContext context, Decision decision) {
        JsonNode policyLimit = decision.raw().isObject() ? decision.raw().get("rate_limit") : null;
        if (!limiter.mayLimit(context.tenant(), policyLimit)) {
            return decision; // tenants without limits: no caller key or path is built
        }
        String method = null;
        String path = null;
        AttributeContext.Request request = context.request().getAttributes().getRequest();
        if (request.hasHttp()) {
            method = request.getHttp().getMethod();
            path = pathWithoutQuery(request.getHttp().getPath());
        }
        RateLimitResult result = limiter.check(context.tenant(), caller(context.identity()), method, path, policyLimit);
        return switch (result) {
            case RateLimitResult.Unlimited u -> decision;
            case RateLimitResult.Allowed a -> {
                metrics.recordRateLimit(context.tenant(), RateLimitOutcome.ALLOWED);
                yield decision;
            }
            case RateLimitResult.AllowedWithBudget a -> {
                metrics.recordRateLimit(context.tenant(), RateLimitOutcome.ALLOWED);
                yield withBudget(decision, RateLimitResponse.of(a));
            }
            case RateLimitResult.OverLimit o -> {
                metrics.recordRateLimit(context.tenant(), RateLimitOutcome.LIMITED);
                yield denied(decision, Reason.RATE_LIMITED, RateLimitResponse.of(o),
                        "limit " + o.limitName() + " exceeded; retry after " + o.retryAfterSeconds() + " s");
            }
            case RateLimitResult.CountersUnavailable c -> {
                metrics.recordRateLimit(context.tenant(), RateLimitOutcome.UNAVAILABLE);
                yield denied(decision, Reason.RATE_LIMIT_UNAVAILABLE, RateLimitResponse.of(c),
                        "rate-limit counters are unavailable");
            }
            case RateLimitResult.PolicyError e -> {
                metrics.recordRateLimit(context.tenant(), RateLimitOutcome.POLICY_ERROR);
                boolean failOpen = context.tenantSettings().failOpen();
                LOG.log(Level.WARNING, "tenant " + context.tenant() + " check " + context.decisionId()
                        + ": policy result is malformed: " + e.message()
                        + (failOpen ? " (fail_mode open: allowing)" : ""));
                // As for any evaluation error, the caller learns the reason code, not the message.
                yield failOpen ? withReason(decision, Reason.FAIL_OPEN) : decision.deniedBy(Reason.EVALUATION_ERROR, "");
            }
        };
    }

    static String pathWithoutQuery(String path) {
        int end = path.length();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return end == path.length() ? path : path.substring(0, end);
    }

    static Caller caller(Optional<CallerIdentity> identity) {
        if (identity.isEmpty()) {
            return Caller.ANONYMOUS;
        }
        SpiffeId id = identity.get().id();
        return new Caller(id.spiffeId(), id.trustDomain(), id.namespace().orElse(null),
                id.serviceAccount().orElse(null));
    }

    private static Decision denied(Decision allowed, Reason reason, RateLimitResponse http, String detail) {
        return new Decision(false, reason, detail, http.status(), headers(http.headers()), List.of(), List.of(),
                List.of(), List.of(), Optional.empty(), metadata(allowed.dynamicMetadata(), http.dynamicMetadata()),
                allowed.raw());
    }

    private static Decision withBudget(Decision d, RateLimitResponse http) {
        List<Header> responseHeaders = new ArrayList<>(d.responseHeadersToAdd());
        responseHeaders.addAll(headers(http.headers()));
        return new Decision(true, d.reason(), d.detail(), d.httpStatus(), d.headers(), responseHeaders,
                d.requestHeadersToRemove(), d.queryParametersToSet(), d.queryParametersToRemove(), d.body(),
                metadata(d.dynamicMetadata(), http.dynamicMetadata()), d.raw());
    }

    private static Decision withReason(Decision d, Reason reason) {
        return new Decision(d.allowed(), reason, d.detail(), d.httpStatus(), d.headers(), d.responseHeadersToAdd(),
                d.requestHeadersToRemove(), d.queryParametersToSet(), d.queryParametersToRemove(), d.body(),
                d.dynamicMetadata(), d.raw());
    }

    private static List<Header> headers(Map<String, String> headers) {
        List<Header> out = new ArrayList<>(headers.size());
        headers.forEach((name, value) -> out.add(new Header(name, value)));
        return out;
    }

    // The policy's metadata object may be shared with its result, so it is copied, not changed.
    private static ObjectNode metadata(ObjectNode policy, Map<String, String> rateLimit) {
        ObjectNode merged = policy.deepCopy();
        rateLimit.forEach(merged::put);
        return merged;
    }
}
