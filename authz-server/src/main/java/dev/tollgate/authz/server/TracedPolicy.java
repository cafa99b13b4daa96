package dev.tollgate.authz.server;

import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.EvalResult;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import dev.tollgate.rego.value.Value;

/** A tenant's policy with a child span per evaluation; installed as the tenant goes into service. */
final class TracedPolicy implements CompiledPolicy {
    static final String SPAN_NAME = "tollgate.evaluate";
    static final AttributeKey<String> ENGINE = AttributeKey.stringKey("tollgate.engine");
    static final AttributeKey<String> RESULT = AttributeKey.stringKey("tollgate.result");

    private final CompiledPolicy inner;
    private final Tracer tracer;
    private final String tenant;
    private final String engine;
    private final String revision;

    TracedPolicy(CompiledPolicy inner, Tracer tracer, String tenant, String engine, String revision) {
        this.inner = inner;
        this.tracer = tracer;
        this.tenant = tenant;
        this.engine = engine;
        this.revision = revision;
    }

    @Override
    public EvalResult evaluate(Value input) {
        Span span = tracer.spanBuilder(SPAN_NAME).setAttribute(TracedChecks.TENANT, tenant)
                .setAttribute(ENGINE, engine).setAttribute(TracedChecks.REVISION, revision).startSpan();
        try {
            EvalResult result = inner.evaluate(input);
            switch (result) {
                case EvalResult.Defined d -> span.setAttribute(RESULT, "defined");
                case EvalResult.Undefined u -> span.setAttribute(RESULT, "undefined");
                case EvalResult.Failed f -> {
                    span.setAttribute(RESULT, "failed");
                    span.setStatus(StatusCode.ERROR, "evaluation failed");
                }
            }
            return result;
        } finally {
            span.end();
        }
    }

    /** The policy this one traces. */
    CompiledPolicy inner() {
        return inner;
    }

    @Override
    public void close() {
        inner.close();
    }
}
