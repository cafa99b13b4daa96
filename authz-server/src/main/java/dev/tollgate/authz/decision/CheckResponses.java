package dev.tollgate.authz.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.QueryParameter;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link Decision} into Envoy's {@link CheckResponse}. Pure. Every response carries the
 * decision id, tenant and caller identity in {@code dynamic_metadata}; every deny carries the
 * reason header.
 */
public final class CheckResponses {
    static final Status OK = Status.newBuilder().setCode(io.grpc.Status.Code.OK.value()).build();
    private static final Status PERMISSION_DENIED =
            Status.newBuilder().setCode(io.grpc.Status.Code.PERMISSION_DENIED.value()).build();
    private static final Status UNAUTHENTICATED =
            Status.newBuilder().setCode(io.grpc.Status.Code.UNAUTHENTICATED.value()).build();

    /** Dynamic-metadata key of the revision of the policy that decided. */
    public static final String POLICY_REVISION = "policy_revision";
    /** Dynamic-metadata keys the server always or sometimes sets (they replace the policy's own). */
    static final String DECISION_ID = "decision_id";
    static final String REASON = "reason";
    static final String TENANT = "tenant";
    static final String IDENTITY = "identity";

    private CheckResponses() {
    }

    /**
     * @param identity {@code input.identity} as a metadata value ({@link #value(JsonNode)}), or null for anonymous callers
     * @param tenant   the deciding tenant, or null when none was resolved
     */
    public static CheckResponse build(Decision decision, String decisionId, String tenant, Value identity,
                                      ResponseHeaders names) {
        return build(decision, decisionId, tenant, identity, names, null);
    }

    /** @param policyRevision revision of the tenant policy that decided, or null when none evaluated */
    public static CheckResponse build(Decision decision, String decisionId, String tenant, Value identity,
                                      ResponseHeaders names, String policyRevision) {
        Struct.Builder metadata = Struct.newBuilder();
        if (!decision.dynamicMetadata().isEmpty()) {
            for (Map.Entry<String, JsonNode> e : decision.dynamicMetadata().properties()) {
                metadata.putFields(e.getKey(), value(e.getValue()));
            }
        }
        metadata.putFields(DECISION_ID, string(decisionId));
        metadata.putFields(REASON, constant(decision.reason().code()));
        if (tenant != null) {
            metadata.putFields(TENANT, constant(tenant));
        }
        metadata.putFields(IDENTITY, identity == null ? NULL : identity);
        if (policyRevision != null) {
            metadata.putFields(POLICY_REVISION, string(policyRevision));
        }
        CheckResponse.Builder response = CheckResponse.newBuilder().setDynamicMetadata(metadata);
        if (decision.allowed()) {
            if (decision.headers().isEmpty() && decision.responseHeadersToAdd().isEmpty()
                    && decision.requestHeadersToRemove().isEmpty() && decision.queryParametersToSet().isEmpty()
                    && decision.queryParametersToRemove().isEmpty()) {
                return response.setStatus(OK).setOkResponse(OkHttpResponse.getDefaultInstance()).build();
            }
            OkHttpResponse.Builder ok = OkHttpResponse.newBuilder();
            addHeaders(decision.headers(), ok::addHeaders);
            addHeaders(decision.responseHeadersToAdd(), ok::addResponseHeadersToAdd);
            ok.addAllHeadersToRemove(decision.requestHeadersToRemove());
            for (Header q : decision.queryParametersToSet()) {
                ok.addQueryParametersToSet(QueryParameter.newBuilder().setKey(q.name()).setValue(q.value()));
            }
            ok.addAllQueryParametersToRemove(decision.queryParametersToRemove());
            return response.setStatus(OK).setOkResponse(ok).build();
        }
        DeniedHttpResponse.Builder denied = DeniedHttpResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCode(StatusCode.forNumber(decision.httpStatus())));
        addHeaders(decision.headers(), denied::addHeaders);
        // A policy that names its own reason in the reason header says it more precisely: one header, the policy's.
        if (!hasHeader(decision.headers(), names.reason())) {
            denied.addHeaders(option(names.reason(), decision.reason().code()));
        }
        denied.addHeaders(option(names.decisionId(), decisionId));
        if (decision.body().isPresent()) {
            denied.setBody(decision.body().get());
        } else if (!decision.detail().isEmpty()) {
            denied.setBody(decision.reason().code() + ": " + decision.detail() + "\n");
        }
        boolean unauthenticated = decision.httpStatus() == 401;
        return response.setStatus(unauthenticated ? UNAUTHENTICATED : PERMISSION_DENIED)
                .setDeniedResponse(denied).build();
    }

    static boolean hasHeader(List<Header> headers, String name) {
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).name().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static void addHeaders(List<Header> headers, java.util.function.Consumer<HeaderValueOption> sink) {
        for (Header h : headers) {
            sink.accept(option(h.name(), h.value()));
        }
    }

    private static HeaderValueOption option(String name, String value) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value)).build();
    }

    private static final Value NULL = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    private static final java.util.concurrent.ConcurrentHashMap<String, Value> CONSTANTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Reason codes and tenant names: few distinct values, so their Values are kept. */
    private static Value constant(String s) {
        Value v = CONSTANTS.get(s);
        if (v == null) {
            v = string(s);
            if (CONSTANTS.size() < 1024) {
                CONSTANTS.put(s, v);
            }
        }
        return v;
    }

    static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    /** A JSON value as a protobuf {@link Value} (numbers become doubles, as in Struct). */
    public static Value value(JsonNode node) {
        Value.Builder v = Value.newBuilder();
        switch (node.getNodeType()) {
            case BOOLEAN -> v.setBoolValue(node.booleanValue());
            case NUMBER -> v.setNumberValue(node.doubleValue());
            case STRING -> v.setStringValue(node.textValue());
            case ARRAY -> {
                ListValue.Builder list = ListValue.newBuilder();
                for (JsonNode item : node) {
                    list.addValues(value(item));
                }
                v.setListValue(list);
            }
            case OBJECT -> {
                Struct.Builder s = Struct.newBuilder();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    s.putFields(e.getKey(), value(e.getValue()));
                }
                v.setStructValue(s);
            }
            default -> v.setNullValue(NullValue.NULL_VALUE);
        }
        return v.build();
    }
}
