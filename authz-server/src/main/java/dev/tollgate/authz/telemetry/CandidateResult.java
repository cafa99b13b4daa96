package dev.tollgate.authz.telemetry;

/**
 * What a tenant's candidate policy decided for a logged check, beside the live decision.
 *
 * @param revision the candidate policy's revision
 */
public record CandidateResult(boolean allowed, String reason, String revision) {
}
