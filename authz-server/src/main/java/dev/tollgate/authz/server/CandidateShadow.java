package dev.tollgate.authz.server;

import dev.tollgate.authz.decision.Decision;
import dev.tollgate.rego.value.ObjectValue;

/**
 * Receives the live policy decision of each check whose tenant has a candidate policy. Runs on the
 * Check path: must return at once, never block, never throw.
 */
interface CandidateShadow {
    /**
     * @param revision the live policy's revision
     * @param input    the input document the live policy saw (read by the check's thread only: copy
     *                 what is kept)
     * @param live     the live policy's decision, before rate limits and dry-run
     */
    void offer(String tenant, String revision, ObjectValue input, Decision live, String decisionId);
}
