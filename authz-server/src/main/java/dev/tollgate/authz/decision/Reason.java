package dev.tollgate.authz.decision;

/**
 * Why a decision came out as it did: a stable code (sent in the reason header and metadata) and
 * the HTTP status a deny gets unless the policy chose one. Other stages (e.g. rate limiting) make
 * their own with {@code new Reason("rate_limited", 429)}.
 */
public record Reason(String code, int httpStatus) {
    public static final Reason ALLOWED = new Reason("allowed", 200);
    public static final Reason POLICY_DENIED = new Reason("policy_denied", 403);
    public static final Reason UNDEFINED_RESULT = new Reason("undefined_result", 403);
    public static final Reason IDENTITY_MISSING = new Reason("identity_missing", 401);
    public static final Reason IDENTITY_INVALID = new Reason("identity_invalid", 401);
    public static final Reason UNKNOWN_TENANT = new Reason("unknown_tenant", 403);
    public static final Reason TENANT_NOT_READY = new Reason("tenant_not_ready", 503);
    public static final Reason EVALUATION_ERROR = new Reason("evaluation_error", 403);
    public static final Reason INVALID_REQUEST = new Reason("invalid_request", 400);
    /** Allowed although evaluation failed, because the tenant is configured {@code fail_mode: open}. */
    public static final Reason FAIL_OPEN = new Reason("evaluation_error_fail_open", 200);
    /** The caller is over its rate limit. */
    public static final Reason RATE_LIMITED = new Reason("rate_limited", 429);
    /** Shared rate-limit counters could not answer and the tenant denies in that case. */
    public static final Reason RATE_LIMIT_UNAVAILABLE = new Reason("rate_limit_unavailable", 503);

    /** Allowed although the decision was a deny, because the tenant runs {@code mode: dry_run}. */
    public static final Reason DRY_RUN_WOULD_DENY = new Reason("dry_run_would_deny", 200);
    /** A check of a tenant that may block found every blocking-check thread busy and their queue full. */
    public static final Reason OVERLOADED = new Reason("overloaded", 503);

    /** Every reason the server itself produces (metric label values come only from these). */
    public static final java.util.List<Reason> ALL = java.util.List.of(ALLOWED, POLICY_DENIED, UNDEFINED_RESULT,
            IDENTITY_MISSING, IDENTITY_INVALID, UNKNOWN_TENANT, TENANT_NOT_READY, EVALUATION_ERROR, INVALID_REQUEST,
            FAIL_OPEN, RATE_LIMITED, RATE_LIMIT_UNAVAILABLE, DRY_RUN_WOULD_DENY, OVERLOADED);
}
