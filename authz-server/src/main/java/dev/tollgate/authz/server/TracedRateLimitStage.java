package dev.tollgate.authz.server;

import dev.tollgate.authz.decision.Decision;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

/** The rate-limit stage with a child span, for checks that reach a limiter (tenants with limits). */
final class TracedRateLimitStage implements DecisionStage {
    static final String SPAN_NAME = "tollgate.rate_limit";

    private final RateLimitStage inner;
    private final Tracer tracer;

    TracedRateLimitStage(RateLimitStage inner, Tracer tracer) {
        this.inner = inner;
        this.tracer = tracer;
    }

    @Override
    public Decision afterAllow(CheckContext context, Decision decision) {
        if (!inner.applies(context, decision)) {
            return inner.afterAllow(context, decision);
        }
        Span span = tracer.spanBuilder(SPAN_NAME).setAttribute(TracedChecks.TENANT, context.tenant()).startSpan();
        try {
            Decision after = inner.afterAllow(context, decision);
            span.setAttribute(TracedChecks.DECISION, after.allowed() ? "allow" : "deny");
            span.setAttribute(TracedChecks.REASON, after.reason().code());
            return after;
        } finally {
            span.end();
        }
    }
}
