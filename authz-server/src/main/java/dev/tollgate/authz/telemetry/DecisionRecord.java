package dev.tollgate.authz.telemetry;

/**
 * One decision as the decision log writes it. Null fields are written as JSON null, except
 * {@code rateLimitKey}, which appears only on decisions a rate limit refused, and the rollout
 * fields, which appear only when set.
 *
 * @param timestampMillis when the Check arrived (epoch milliseconds)
 * @param path            the request path without query string or fragment
 * @param evalNanos       time spent in the policy engine (0 when no policy ran)
 * @param checkNanos      time for the whole decision
 * @param traceId         the check span's trace id (32 hex digits), or null when the check was not traced
 * @param spanId          the check span's id (16 hex digits), or null when the check was not traced
 * @param wouldDenyReason for a dry-run tenant's {@code dry_run_would_deny}: the reason it would have denied with
 * @param input           the input document, masked by the writer; null when not logged
 * @param candidate       the candidate policy's differing decision, on lines that report one
 */
public record DecisionRecord(String decisionId, long timestampMillis, String tenant, String spiffeId,
                             String identitySource, String method, String path, boolean allowed, String reason,
                             int httpStatus, String policyRevision, long evalNanos, long checkNanos,
                             String rateLimitKey, String traceId, String spanId, String wouldDenyReason,
                             LoggedInput input, CandidateResult candidate) {
    /** A decision made without tracing or rollout fields. */
    public DecisionRecord(String decisionId, long timestampMillis, String tenant, String spiffeId,
                          String identitySource, String method, String path, boolean allowed, String reason,
                          int httpStatus, String policyRevision, long evalNanos, long checkNanos,
                          String rateLimitKey) {
        this(decisionId, timestampMillis, tenant, spiffeId, identitySource, method, path, allowed, reason, httpStatus,
                policyRevision, evalNanos, checkNanos, rateLimitKey, null, null, null, null, null);
    }
}
