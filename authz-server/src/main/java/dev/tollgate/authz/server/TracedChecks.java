package dev.tollgate.authz.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.tollgate.authz.decision.CheckReply;
import dev.tollgate.authz.decision.Reason;
import dev.tollgate.authz.telemetry.Tracing;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One span per Check around the pipeline, child of the span named by the CheckRequest's
 * {@code traceparent} or B3 headers. The span is current while the pipeline runs, so the
 * evaluation and rate-limit spans and the decision log line find it.
 */
final class TracedChecks implements CheckCall {
    static final String SPAN_NAME = "tollgate.check";
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("tollgate.tenant");
    static final AttributeKey<String> DECISION = AttributeKey.stringKey("tollgate.decision");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("tollgate.reason");
    static final AttributeKey<String> REVISION = AttributeKey.stringKey("tollgate.policy_revision");
    static final AttributeKey<String> DECISION_ID = AttributeKey.stringKey("tollgate.decision_id");
    static final AttributeKey<String> CALLER = AttributeKey.stringKey("tollgate.caller");
    static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("tollgate.protocol");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    private final CheckCall inner;
    private final Tracer tracer;
    private final boolean includeCaller;
    private final String protocol;

    /** @param protocol {@code grpc} or {@code http}: how the check arrived */
    TracedChecks(CheckCall inner, Tracing tracing, String protocol) {
        this.inner = inner;
        this.tracer = tracing.tracer();
        this.includeCaller = tracing.includeCaller();
        this.protocol = protocol;
    }

    @Override
    public CheckReply check(CheckRequest request, Optional<X509Certificate> peerCertificate) {
        Context parent = Tracing.parentPropagator().extract(Context.root(),
                request.getAttributes().getRequest().getHttp(), HEADERS);
        Span span = tracer.spanBuilder(SPAN_NAME).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(PROTOCOL, protocol).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            CheckReply response = inner.check(request, peerCertificate);
            annotate(span, response);
            return response;
        } finally {
            span.end();
        }
    }

    /** Read from the reply's parts, which are what its dynamic metadata and status are made of. */
    private void annotate(Span span, CheckReply response) {
        boolean allowed = response.decision().allowed();
        span.setAttribute(DECISION, allowed ? "allow" : "deny");
        String reason = response.decision().reason().code();
        setIfPresent(span, TENANT, response.tenant());
        setIfPresent(span, REASON, reason);
        setIfPresent(span, REVISION, response.revision());
        setIfPresent(span, DECISION_ID, response.decisionId());
        int status = response.httpStatus();
        span.setAttribute(HTTP_STATUS, status == 0 ? 403L : status);
        if (includeCaller) {
            Value identity = response.identity();
            if (identity.hasStructValue()) {
                setIfPresent(span, CALLER, text(identity.getStructValue(), "spiffe_id"));
            }
        }
        if (Reason.EVALUATION_ERROR.code().equals(reason) || Reason.FAIL_OPEN.code().equals(reason)) {
            span.setStatus(StatusCode.ERROR, reason);
        }
    }

    private static void setIfPresent(Span span, AttributeKey<String> key, String value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
    }

    private static String text(Struct s, String key) {
        Value v = s.getFieldsOrDefault(key, null);
        return v != null && v.hasStringValue() ? v.getStringValue() : null;
    }

    /** Headers as Envoy sends them: lowercase keys in {@code headers}, or {@code header_map}. */
    static final TextMapGetter<AttributeContext.HttpRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(AttributeContext.HttpRequest http) {
            List<String> keys = new ArrayList<>(http.getHeadersMap().keySet());
            for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
                keys.add(h.getKey());
            }
            return keys;
        }

        @Override
        public String get(AttributeContext.HttpRequest http, String key) {
            if (http == null) {
                return null;
            }
            // Envoy lowercases header names; propagators ask for X-B3-TraceId and the like.
            String v = http.getHeadersMap().get(key.toLowerCase(Locale.ROOT));
            if (v != null) {
                return v;
            }
            for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
                if (h.getKey().equalsIgnoreCase(key)) {
                    return h.getValue().isEmpty() ? h.getRawValue().toStringUtf8() : h.getValue();
                }
            }
            return null;
        }
    };
}
