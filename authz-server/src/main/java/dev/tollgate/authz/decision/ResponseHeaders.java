package dev.tollgate.authz.decision;

/** Names of the headers Tollgate adds to deny responses. */
public record ResponseHeaders(String reason, String decisionId) {
    public static final ResponseHeaders DEFAULTS = new ResponseHeaders("x-tollgate-reason", "x-tollgate-decision-id");
}
