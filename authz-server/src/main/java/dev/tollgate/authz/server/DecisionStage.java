package dev.tollgate.authz.server;

import dev.tollgate.authz.decision.Decision;

/**
 * A step after the policy allowed a request, e.g. rate limiting: returns the decision unchanged or
 * a replacement (typically {@code decision.deniedBy(new Reason("rate_limited", 429), "...")}).
 * Runs on the Check path: must be fast, non-blocking and thread-safe; must not throw.
 */
@FunctionalInterface
public interface DecisionStage {
    Decision afterAllow(CheckContext context, Decision decision);
}
