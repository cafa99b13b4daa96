package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.authz.decision.Decision;
import dev.tollgate.authz.decision.Reason;
import dev.tollgate.authz.ratelimit.RateLimitResponse;
import dev.tollgate.authz.telemetry.CheckMetrics;
import dev.tollgate.authz.telemetry.DecisionLog;
import dev.tollgate.authz.telemetry.DecisionRecord;
import dev.tollgate.authz.telemetry.LoggedInput;
import dev.tollgate.rego.value.Json;
import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.rego.RegoPolicy;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** Counts every Check and hands it to the decision log (which samples allowed ones). */
final class CheckTelemetry implements CheckObserver {
    private final CheckMetrics metrics;
    private final DecisionLog log;
    private final boolean traced;

    CheckTelemetry(CheckMetrics metrics, DecisionLog log) {
        this(metrics, log, false);
    }

    /** @param traced checks run inside a check span: log lines carry its trace and span ids */
    CheckTelemetry(CheckMetrics metrics, DecisionLog log, boolean traced) {
        this.metrics = metrics;
        this.log = log;
        this.traced = traced;
    }

    @Override
    public void checked(CheckRequest request, CheckPipeline.Outcome o, long checkNanos) {
        Decision d = o.decision();
        metrics.recordCheck(o.tenant(), d.allowed(), d.reason().code(), checkNanos);
        if (!log.wants(d.allowed())) {
            return;
        }
        // The wall clock is read only for checks that are logged: start = now - duration.
        long startMillis = System.currentTimeMillis() - checkNanos / 1_000_000;
        String method = null;
        String path = null;
        AttributeContext.Request r = request.getAttributes().getRequest();
        if (r.hasHttp()) {
            method = r.getHttp().getMethod();
            path = RateLimitStage.pathWithoutQuery(r.getHttp().getPath());
        }
        String rateLimitKey = null;
        if (d.reason().equals(Reason.RATE_LIMITED) || d.reason().equals(Reason.RATE_LIMIT_UNAVAILABLE)) {
            JsonNode key = d.dynamicMetadata().get(RateLimitResponse.METADATA_KEY);
            rateLimitKey = key != null && key.isTextual() ? key.textValue() : null;
        }
        String traceId = null;
        String spanId = null;
        if (traced) {
            SpanContext span = Span.current().getSpanContext();
            if (span.isValid()) {
                traceId = span.getTraceId();
                spanId = span.getSpanId();
            }
        }
        String wouldDeny = null;
        if (d.reason() == Reason.DRY_RUN_WOULD_DENY) {
            JsonNode would = d.dynamicMetadata().get(Decision.WOULD_DENY_REASON);
            wouldDeny = would == null ? null : would.asText();
        }
        // The lazy input document belongs to this thread: the writer gets a copy.
        LoggedInput input = log.includesInput() && o.input() != null
                ? new LoggedInput(Json.toJackson(o.input()), maskRules(o.policy())) : null;
        log.offer(new DecisionRecord(o.decisionId(), startMillis, o.tenant(),
                o.identity() == null ? null : o.identity().id().spiffeId(),
                o.identity() == null ? null : o.identity().source().wireName(), method, path, d.allowed(),
                d.reason().code(), d.allowed() ? 200 : d.httpStatus(), o.revision(), o.evalNanos(), checkNanos,
                rateLimitKey, traceId, spanId, wouldDeny, input, null));
    }

    static final String MASK_RULE = "system/log/mask";

    /**
     * The policy's {@code system.log.mask} rules, as OPA reads them, evaluated later on the writer
     * thread. A wasm policy has none (its compiled entrypoints do not include them).
     */
    static LoggedInput.MaskRules maskRules(CompiledPolicy policy) {
        CompiledPolicy untraced = policy instanceof TracedPolicy traced ? traced.inner() : policy;
        if (!(untraced instanceof RegoPolicy rego) || !rego.definesRule(MASK_RULE)) {
            return LoggedInput.MaskRules.NONE;
        }
        return event -> switch (rego.evaluateRule(MASK_RULE, event)) {
            case EvalResult.Defined v -> v.value();
            case EvalResult.Undefined u -> null;
            case EvalResult.Failed f -> throw new IllegalStateException("system.log.mask failed: " + f.message());
        };
    }
}
