package dev.tollgate.authz.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes {@link CheckReply}s and encodes them: the wire form of what {@link CheckResponses#build}
 * returns, without building a message per check.
 *
 * <p>A response is its status and HTTP response (fields 1 to 3), then {@code dynamic_metadata}
 * (field 4): a {@code Struct}, which on the wire is nothing but its map entries, each a
 * length-delimited field 1, in any order. So the metadata is the concatenation of entries encoded
 * once and kept — the policy's own {@code dynamic_metadata} (less the keys the server sets),
 * {@code reason}, {@code tenant} and {@code policy_revision}, and the caller's {@code identity}
 * ({@link IdentityMetadata}) — plus the {@code decision_id} entry, which is each check's own. A
 * plain allow's status and {@code ok_response} are constant bytes; anything else (allow with
 * mutations, deny) is encoded field by field as {@code CheckResponses} would set it, in field
 * order, without message objects ({@link ProtoWriter}), so it comes out byte for byte as a built
 * message's would.
 *
 * <p>Thread-safe; the caches are bounded.
 */
public final class CheckReplies {
    static final int CACHE_LIMIT = 1024;
    // Field numbers: CheckResponse, Status (google.rpc), DeniedHttpResponse, OkHttpResponse,
    // HeaderValueOption, HeaderValue, QueryParameter, HttpStatus, Struct, its map entries, Value.
    private static final int RESPONSE_STATUS = CheckResponse.STATUS_FIELD_NUMBER;
    private static final int RESPONSE_DENIED = CheckResponse.DENIED_RESPONSE_FIELD_NUMBER;
    private static final int RESPONSE_OK = CheckResponse.OK_RESPONSE_FIELD_NUMBER;
    private static final int RESPONSE_METADATA = CheckResponse.DYNAMIC_METADATA_FIELD_NUMBER;
    private static final int DENIED_STATUS = io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse.STATUS_FIELD_NUMBER;
    private static final int DENIED_HEADERS = io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse.HEADERS_FIELD_NUMBER;
    private static final int DENIED_BODY = io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse.BODY_FIELD_NUMBER;
    private static final int OK_HEADERS = OkHttpResponse.HEADERS_FIELD_NUMBER;
    private static final int OK_HEADERS_TO_REMOVE = OkHttpResponse.HEADERS_TO_REMOVE_FIELD_NUMBER;
    private static final int OK_RESPONSE_HEADERS_TO_ADD = OkHttpResponse.RESPONSE_HEADERS_TO_ADD_FIELD_NUMBER;
    private static final int OK_QUERY_PARAMETERS_TO_SET = OkHttpResponse.QUERY_PARAMETERS_TO_SET_FIELD_NUMBER;
    private static final int OK_QUERY_PARAMETERS_TO_REMOVE = OkHttpResponse.QUERY_PARAMETERS_TO_REMOVE_FIELD_NUMBER;
    private static final int OPTION_HEADER = io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HEADER_FIELD_NUMBER;
    private static final int HEADER_KEY = io.envoyproxy.envoy.config.core.v3.HeaderValue.KEY_FIELD_NUMBER;
    private static final int HEADER_VALUE = io.envoyproxy.envoy.config.core.v3.HeaderValue.VALUE_FIELD_NUMBER;
    private static final int QUERY_KEY = io.envoyproxy.envoy.config.core.v3.QueryParameter.KEY_FIELD_NUMBER;
    private static final int QUERY_VALUE = io.envoyproxy.envoy.config.core.v3.QueryParameter.VALUE_FIELD_NUMBER;
    private static final int HTTP_STATUS_CODE = io.envoyproxy.envoy.type.v3.HttpStatus.CODE_FIELD_NUMBER;
    private static final int STRUCT_FIELDS = Struct.FIELDS_FIELD_NUMBER;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int VALUE_STRING = com.google.protobuf.Value.STRING_VALUE_FIELD_NUMBER;

    /** Status OK and an empty {@code ok_response}. */
    private static final byte[] PLAIN_ALLOW = CheckResponse.newBuilder().setStatus(CheckResponses.OK)
            .setOkResponse(OkHttpResponse.getDefaultInstance()).build().toByteArray();
    private static final byte[] NONE = new byte[0];
    /** The status field of an allow ({@code code} 0 is left out) and of the two kinds of deny. */
    private static final byte[] STATUS_OK = status(0);
    private static final byte[] STATUS_PERMISSION_DENIED = status(io.grpc.Status.Code.PERMISSION_DENIED.value());
    private static final byte[] STATUS_UNAUTHENTICATED = status(io.grpc.Status.Code.UNAUTHENTICATED.value());
    /** The key field of the decision_id map entry. */
    private static final byte[] DECISION_ID_KEY;
    /** Room for the metadata field's header and the decision_id entry, less the id itself. */
    private static final int OWN_CAPACITY = 24;

    static {
        ProtoWriter w = new ProtoWriter(16);
        w.string(ENTRY_KEY, CheckResponses.DECISION_ID);
        DECISION_ID_KEY = java.util.Arrays.copyOf(w.array(), w.length());
    }

    private static byte[] status(int code) {
        return CheckResponse.newBuilder().setStatus(com.google.rpc.Status.newBuilder().setCode(code)).build()
                .toByteArray();
    }

    private final ResponseHeaders names;
    private final ConcurrentHashMap<String, byte[]> reasons = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TenantEntries> tenants = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PolicyMetadata, byte[]> policyMetadata = new ConcurrentHashMap<>();

    /** A tenant's {@code tenant} and {@code policy_revision} entries, for one revision. */
    private record TenantEntries(String revision, byte[] entries) {
    }

    /**
     * The policy's metadata and which of the keys it may not set are set by the server in this response.
     * Keys hold a copy of the metadata object: the cache never sees it change.
     */
    private record PolicyMetadata(ObjectNode metadata, boolean tenantSet, boolean revisionSet) {
    }

    /** @param names the reason and decision-id header names of deny responses */
    public CheckReplies(ResponseHeaders names) {
        this.names = names;
    }

    public ResponseHeaders names() {
        return names;
    }

    /**
     * The reply for a decision; the arguments are those of {@link CheckResponses#build(Decision, String, String,
     * com.google.protobuf.Value, ResponseHeaders, String)} (with {@code names} this encoder's).
     *
     * @param identity the caller's identity metadata, or null for anonymous callers
     */
    public CheckReply reply(Decision decision, String decisionId, String tenant, IdentityMetadata identity,
                            String revision) {
        return new CheckReply(this, decision, decisionId, tenant, identity, revision);
    }

    /** Sets the encoded pieces of {@code r}. */
    void encode(CheckReply r) {
        Decision d = r.decision();
        String tenant = r.tenant();
        String revision = r.revision();
        byte[] policy = d.dynamicMetadata().isEmpty() ? NONE
                : policyEntries(d.dynamicMetadata(), tenant != null, revision != null);
        byte[] reason = reasonEntry(d.reason().code());
        byte[] place = tenantEntries(tenant, revision);
        byte[] identity = r.identityMetadata().entry();
        String id = r.decisionId();
        boolean plainAllow = plainAllow(d);
        ProtoWriter w = new ProtoWriter(OWN_CAPACITY + id.length() + (plainAllow ? 0 : capacity(d, id)));
        if (!plainAllow) {
            if (d.allowed()) {
                writeAllow(w, d);
            } else {
                writeDeny(w, d, id);
            }
        }
        // dynamic_metadata: the decision_id entry here, then the cached entries (written after this array).
        int metadata = w.begin(RESPONSE_METADATA);
        int entry = w.begin(STRUCT_FIELDS);
        w.bytes(DECISION_ID_KEY);
        int value = w.begin(ENTRY_VALUE);
        w.string(VALUE_STRING, id);
        w.end(value);
        w.end(entry);
        w.end(metadata, policy.length + reason.length + place.length + identity.length);
        r.fixed = plainAllow ? PLAIN_ALLOW : null;
        r.own = w.array();
        r.ownLength = w.length();
        r.policyEntries = policy;
        r.reasonEntry = reason;
        r.tenantEntries = place;
        r.size = (plainAllow ? PLAIN_ALLOW.length : 0) + w.length() + policy.length + reason.length + place.length
                + identity.length;
    }

    static boolean plainAllow(Decision d) {
        return d.allowed() && d.headers().isEmpty() && d.responseHeadersToAdd().isEmpty()
                && d.requestHeadersToRemove().isEmpty() && d.queryParametersToSet().isEmpty()
                && d.queryParametersToRemove().isEmpty();
    }

    /** Room for the HTTP response of a deny or shaped allow: what its ASCII strings take, and their framing. */
    private int capacity(Decision d, String decisionId) {
        int n = 16 + headersCapacity(d.headers());
        if (d.allowed()) {
            n += headersCapacity(d.responseHeadersToAdd()) + headersCapacity(d.queryParametersToSet());
            return n + namesCapacity(d.requestHeadersToRemove()) + namesCapacity(d.queryParametersToRemove());
        }
        n += 16 + names.reason().length() + d.reason().code().length() + names.decisionId().length()
                + decisionId.length();
        if (d.body().isPresent()) {
            return n + 4 + d.body().get().length();
        }
        return d.detail().isEmpty() ? n : n + 8 + d.reason().code().length() + d.detail().length();
    }

    private static int namesCapacity(List<String> names) {
        int n = 0;
        for (int i = 0; i < names.size(); i++) {
            n += 4 + names.get(i).length();
        }
        return n;
    }

    private static int headersCapacity(List<Header> headers) {
        int n = 0;
        for (int i = 0; i < headers.size(); i++) {
            Header h = headers.get(i);
            n += 8 + h.name().length() + h.value().length();
        }
        return n;
    }

    // Decision lists are immutable lists: indexed loops, as their iterators are objects.
    // ---- allow with mutations: status {} and ok_response {headers, headers_to_remove, response_headers_to_add,
    // query_parameters_to_set, query_parameters_to_remove}

    private static void writeAllow(ProtoWriter w, Decision d) {
        w.bytes(STATUS_OK);
        int ok = w.begin(RESPONSE_OK);
        writeHeaders(w, OK_HEADERS, d.headers());
        List<String> remove = d.requestHeadersToRemove();
        for (int i = 0; i < remove.size(); i++) {
            w.string(OK_HEADERS_TO_REMOVE, remove.get(i));
        }
        writeHeaders(w, OK_RESPONSE_HEADERS_TO_ADD, d.responseHeadersToAdd());
        List<Header> set = d.queryParametersToSet();
        for (int i = 0; i < set.size(); i++) {
            int at = w.begin(OK_QUERY_PARAMETERS_TO_SET);
            writePair(w, QUERY_KEY, set.get(i).name(), QUERY_VALUE, set.get(i).value());
            w.end(at);
        }
        List<String> removeQuery = d.queryParametersToRemove();
        for (int i = 0; i < removeQuery.size(); i++) {
            w.string(OK_QUERY_PARAMETERS_TO_REMOVE, removeQuery.get(i));
        }
        w.end(ok);
    }

    // ---- deny: status {code} and denied_response {status {code}, headers (+ reason, decision id), body}

    private void writeDeny(ProtoWriter w, Decision d, String decisionId) {
        w.bytes(d.httpStatus() == 401 ? STATUS_UNAUTHENTICATED : STATUS_PERMISSION_DENIED);
        int denied = w.begin(RESPONSE_DENIED);
        int status = w.begin(DENIED_STATUS);
        if (d.httpStatus() != 0) {
            w.int32(HTTP_STATUS_CODE, d.httpStatus());
        }
        w.end(status);
        writeHeaders(w, DENIED_HEADERS, d.headers());
        // A policy that names its own reason in the reason header says it more precisely: one header, the policy's.
        if (!CheckResponses.hasHeader(d.headers(), names.reason())) {
            writeHeader(w, DENIED_HEADERS, names.reason(), d.reason().code());
        }
        writeHeader(w, DENIED_HEADERS, names.decisionId(), decisionId);
        if (d.body().isPresent()) {
            if (!d.body().get().isEmpty()) {
                w.string(DENIED_BODY, d.body().get());
            }
        } else if (!d.detail().isEmpty()) {
            w.string(DENIED_BODY, d.reason().code() + ": " + d.detail() + "\n");
        }
        w.end(denied);
    }

    // ---- headers: HeaderValueOption {header: HeaderValue {key, value}}; query parameters: {key, value}

    private static void writeHeaders(ProtoWriter w, int field, List<Header> headers) {
        for (int i = 0; i < headers.size(); i++) {
            Header h = headers.get(i);
            writeHeader(w, field, h.name(), h.value());
        }
    }

    private static void writeHeader(ProtoWriter w, int field, String name, String value) {
        int option = w.begin(field);
        int header = w.begin(OPTION_HEADER);
        writePair(w, HEADER_KEY, name, HEADER_VALUE, value);
        w.end(header);
        w.end(option);
    }

    /** Two proto3 string fields, each left out when empty (as protobuf does). */
    private static void writePair(ProtoWriter w, int keyField, String key, int valueField, String value) {
        if (!key.isEmpty()) {
            w.string(keyField, key);
        }
        if (!value.isEmpty()) {
            w.string(valueField, value);
        }
    }

    // ---- cached metadata entries

    private byte[] reasonEntry(String code) {
        byte[] b = reasons.get(code);
        if (b == null) {
            b = Struct.newBuilder().putFields(CheckResponses.REASON, CheckResponses.string(code)).build().toByteArray();
            if (reasons.size() < CACHE_LIMIT) {
                reasons.put(code, b);
            }
        }
        return b;
    }

    private byte[] tenantEntries(String tenant, String revision) {
        if (tenant == null) {
            return revision == null ? NONE : placeEntries(null, revision);
        }
        TenantEntries e = tenants.get(tenant);
        if (e == null || !java.util.Objects.equals(e.revision(), revision)) {
            e = new TenantEntries(revision, placeEntries(tenant, revision));
            if (tenants.size() >= CACHE_LIMIT) {
                tenants.clear();
            }
            tenants.put(tenant, e);
        }
        return e.entries();
    }

    private static byte[] placeEntries(String tenant, String revision) {
        Struct.Builder s = Struct.newBuilder();
        if (tenant != null) {
            s.putFields(CheckResponses.TENANT, CheckResponses.string(tenant));
        }
        if (revision != null) {
            s.putFields(CheckResponses.POLICY_REVISION, CheckResponses.string(revision));
        }
        return s.build().toByteArray();
    }

    private byte[] policyEntries(ObjectNode metadata, boolean tenantSet, boolean revisionSet) {
        PolicyMetadata key = new PolicyMetadata(metadata, tenantSet, revisionSet);
        byte[] b = policyMetadata.get(key);
        if (b == null) {
            Struct.Builder s = Struct.newBuilder();
            for (Map.Entry<String, JsonNode> e : metadata.properties()) {
                if (!setByServer(e.getKey(), tenantSet, revisionSet)) {
                    s.putFields(e.getKey(), CheckResponses.value(e.getValue()));
                }
            }
            b = s.build().toByteArray();
            if (policyMetadata.size() >= CACHE_LIMIT) {
                policyMetadata.clear();
            }
            policyMetadata.put(new PolicyMetadata(metadata.deepCopy(), tenantSet, revisionSet), b);
        }
        return b;
    }

    /** Whether the server's own entry replaces the policy's under this key. */
    private static boolean setByServer(String key, boolean tenantSet, boolean revisionSet) {
        return switch (key) {
            case CheckResponses.DECISION_ID, CheckResponses.REASON, CheckResponses.IDENTITY -> true;
            case CheckResponses.TENANT -> tenantSet;
            case CheckResponses.POLICY_REVISION -> revisionSet;
            default -> false;
        };
    }
}
