package dev.tollgate.authz.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * order, without message objects. Strings are encoded by protobuf's own {@link CodedOutputStream},
 * so they come out byte for byte as a built message's would.
 *
 * <p>Thread-safe; the caches are bounded.
 */
public final class CheckReplies {
    static final int CACHE_LIMIT = 1024;
    private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    // Field numbers: CheckResponse, Status (google.rpc), DeniedHttpResponse, OkHttpResponse,
    // HeaderValueOption, HeaderValue, QueryParameter, HttpStatus, Struct, its map entries, Value.
    private static final int RESPONSE_STATUS = CheckResponse.STATUS_FIELD_NUMBER;
    private static final int RESPONSE_DENIED = CheckResponse.DENIED_RESPONSE_FIELD_NUMBER;
    private static final int RESPONSE_OK = CheckResponse.OK_RESPONSE_FIELD_NUMBER;
    private static final int RESPONSE_METADATA = CheckResponse.DYNAMIC_METADATA_FIELD_NUMBER;
    private static final int STATUS_CODE = com.google.rpc.Status.CODE_FIELD_NUMBER;
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

    private static final int PERMISSION_DENIED = io.grpc.Status.Code.PERMISSION_DENIED.value();
    private static final int UNAUTHENTICATED = io.grpc.Status.Code.UNAUTHENTICATED.value();

    /** Status OK and an empty {@code ok_response}. */
    private static final byte[] PLAIN_ALLOW = CheckResponse.newBuilder().setStatus(CheckResponses.OK)
            .setOkResponse(OkHttpResponse.getDefaultInstance()).build().toByteArray();
    private static final byte[] NONE = new byte[0];
    private static final int DECISION_ID_KEY_SIZE = CodedOutputStream.computeStringSize(ENTRY_KEY,
            CheckResponses.DECISION_ID);

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
        int valueSize = CodedOutputStream.computeStringSize(VALUE_STRING, r.decisionId());
        int idEntrySize = DECISION_ID_KEY_SIZE + delimitedSize(ENTRY_VALUE, valueSize);
        int metadataSize = delimitedSize(STRUCT_FIELDS, idEntrySize) + policy.length + reason.length + place.length
                + identity.length;

        boolean plainAllow = plainAllow(d);
        String body = plainAllow || d.allowed() ? null : deniedBody(d);
        int httpSize = plainAllow ? 0 : d.allowed() ? allowSize(d) : denySize(d, r.decisionId(), body);
        byte[] own = new byte[httpSize + CodedOutputStream.computeTagSize(RESPONSE_METADATA)
                + CodedOutputStream.computeUInt32SizeNoTag(metadataSize) + delimitedSize(STRUCT_FIELDS, idEntrySize)];
        CodedOutputStream out = CodedOutputStream.newInstance(own);
        try {
            if (!plainAllow) {
                if (d.allowed()) {
                    writeAllow(out, d);
                } else {
                    writeDeny(out, d, r.decisionId(), body);
                }
            }
            out.writeTag(RESPONSE_METADATA, LEN);
            out.writeUInt32NoTag(metadataSize);
            out.writeTag(STRUCT_FIELDS, LEN);
            out.writeUInt32NoTag(idEntrySize);
            writeString(out, ENTRY_KEY, CheckResponses.DECISION_ID);
            out.writeTag(ENTRY_VALUE, LEN);
            out.writeUInt32NoTag(valueSize);
            writeString(out, VALUE_STRING, r.decisionId());
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("response encoding is out of step with its size", e);
        }
        r.fixed = plainAllow ? PLAIN_ALLOW : null;
        r.own = own;
        r.policyEntries = policy;
        r.reasonEntry = reason;
        r.tenantEntries = place;
        r.size = (plainAllow ? PLAIN_ALLOW.length : 0) + own.length + policy.length + reason.length + place.length
                + identity.length;
    }

    static boolean plainAllow(Decision d) {
        return d.allowed() && d.headers().isEmpty() && d.responseHeadersToAdd().isEmpty()
                && d.requestHeadersToRemove().isEmpty() && d.queryParametersToSet().isEmpty()
                && d.queryParametersToRemove().isEmpty();
    }

    // ---- allow with mutations: status {} and ok_response {headers, headers_to_remove, response_headers_to_add,
    // query_parameters_to_set, query_parameters_to_remove}

    private static int allowSize(Decision d) {
        return delimitedSize(RESPONSE_STATUS, 0) + delimitedSize(RESPONSE_OK, okSize(d));
    }

    private static int okSize(Decision d) {
        int n = headersSize(OK_HEADERS, d.headers());
        for (String h : d.requestHeadersToRemove()) {
            n += CodedOutputStream.computeStringSize(OK_HEADERS_TO_REMOVE, h);
        }
        n += headersSize(OK_RESPONSE_HEADERS_TO_ADD, d.responseHeadersToAdd());
        for (Header q : d.queryParametersToSet()) {
            n += delimitedSize(OK_QUERY_PARAMETERS_TO_SET, pairSize(QUERY_KEY, q.name(), QUERY_VALUE, q.value()));
        }
        for (String q : d.queryParametersToRemove()) {
            n += CodedOutputStream.computeStringSize(OK_QUERY_PARAMETERS_TO_REMOVE, q);
        }
        return n;
    }

    private static void writeAllow(CodedOutputStream out, Decision d) throws IOException {
        out.writeTag(RESPONSE_STATUS, LEN);
        out.writeUInt32NoTag(0);
        out.writeTag(RESPONSE_OK, LEN);
        out.writeUInt32NoTag(okSize(d));
        writeHeaders(out, OK_HEADERS, d.headers());
        for (String h : d.requestHeadersToRemove()) {
            writeString(out, OK_HEADERS_TO_REMOVE, h);
        }
        writeHeaders(out, OK_RESPONSE_HEADERS_TO_ADD, d.responseHeadersToAdd());
        for (Header q : d.queryParametersToSet()) {
            out.writeTag(OK_QUERY_PARAMETERS_TO_SET, LEN);
            out.writeUInt32NoTag(pairSize(QUERY_KEY, q.name(), QUERY_VALUE, q.value()));
            writePair(out, QUERY_KEY, q.name(), QUERY_VALUE, q.value());
        }
        for (String q : d.queryParametersToRemove()) {
            writeString(out, OK_QUERY_PARAMETERS_TO_REMOVE, q);
        }
    }

    // ---- deny: status {code} and denied_response {status {code}, headers (+ reason, decision id), body}

    /** The deny body as {@link CheckResponses#build} sets it, or null for none. */
    private static String deniedBody(Decision d) {
        if (d.body().isPresent()) {
            return d.body().get();
        }
        return d.detail().isEmpty() ? null : d.reason().code() + ": " + d.detail() + "\n";
    }

    private static int grpcCode(Decision d) {
        return d.httpStatus() == 401 ? UNAUTHENTICATED : PERMISSION_DENIED;
    }

    private int denySize(Decision d, String decisionId, String body) {
        return delimitedSize(RESPONSE_STATUS, CodedOutputStream.computeInt32Size(STATUS_CODE, grpcCode(d)))
                + delimitedSize(RESPONSE_DENIED, deniedSize(d, decisionId, body));
    }

    private int deniedSize(Decision d, String decisionId, String body) {
        int n = delimitedSize(DENIED_STATUS, httpStatusSize(d.httpStatus()));
        n += headersSize(DENIED_HEADERS, d.headers());
        if (!CheckResponses.hasHeader(d.headers(), names.reason())) {
            n += delimitedSize(DENIED_HEADERS, optionSize(names.reason(), d.reason().code()));
        }
        n += delimitedSize(DENIED_HEADERS, optionSize(names.decisionId(), decisionId));
        return n + (body == null ? 0 : stringSize(DENIED_BODY, body));
    }

    private static int httpStatusSize(int code) {
        return code == 0 ? 0 : CodedOutputStream.computeEnumSize(HTTP_STATUS_CODE, code);
    }

    private void writeDeny(CodedOutputStream out, Decision d, String decisionId, String body) throws IOException {
        int code = grpcCode(d);
        out.writeTag(RESPONSE_STATUS, LEN);
        out.writeUInt32NoTag(CodedOutputStream.computeInt32Size(STATUS_CODE, code));
        out.writeInt32(STATUS_CODE, code);
        out.writeTag(RESPONSE_DENIED, LEN);
        out.writeUInt32NoTag(deniedSize(d, decisionId, body));
        out.writeTag(DENIED_STATUS, LEN);
        out.writeUInt32NoTag(httpStatusSize(d.httpStatus()));
        if (d.httpStatus() != 0) {
            out.writeEnum(HTTP_STATUS_CODE, d.httpStatus());
        }
        writeHeaders(out, DENIED_HEADERS, d.headers());
        if (!CheckResponses.hasHeader(d.headers(), names.reason())) {
            writeHeader(out, DENIED_HEADERS, names.reason(), d.reason().code());
        }
        writeHeader(out, DENIED_HEADERS, names.decisionId(), decisionId);
        if (body != null && !body.isEmpty()) {
            writeString(out, DENIED_BODY, body);
        }
    }

    // ---- headers: HeaderValueOption {header: HeaderValue {key, value}}; query parameters: {key, value}

    private static int headersSize(int field, List<Header> headers) {
        int n = 0;
        for (Header h : headers) {
            n += delimitedSize(field, optionSize(h.name(), h.value()));
        }
        return n;
    }

    private static int optionSize(String name, String value) {
        return delimitedSize(OPTION_HEADER, pairSize(HEADER_KEY, name, HEADER_VALUE, value));
    }

    private static void writeHeaders(CodedOutputStream out, int field, List<Header> headers) throws IOException {
        for (Header h : headers) {
            writeHeader(out, field, h.name(), h.value());
        }
    }

    private static void writeHeader(CodedOutputStream out, int field, String name, String value) throws IOException {
        int pair = pairSize(HEADER_KEY, name, HEADER_VALUE, value);
        out.writeTag(field, LEN);
        out.writeUInt32NoTag(delimitedSize(OPTION_HEADER, pair));
        out.writeTag(OPTION_HEADER, LEN);
        out.writeUInt32NoTag(pair);
        writePair(out, HEADER_KEY, name, HEADER_VALUE, value);
    }

    /** Two proto3 string fields (each left out when empty, as protobuf does). */
    private static int pairSize(int keyField, String key, int valueField, String value) {
        return stringSize(keyField, key) + stringSize(valueField, value);
    }

    private static void writePair(CodedOutputStream out, int keyField, String key, int valueField, String value)
            throws IOException {
        if (!key.isEmpty()) {
            writeString(out, keyField, key);
        }
        if (!value.isEmpty()) {
            writeString(out, valueField, value);
        }
    }

    /**
     * As {@link CodedOutputStream#writeString}, copying ASCII (decision ids, most header names and
     * values) char by char: protobuf's encoder makes a byte array of every string it writes.
     */
    private static void writeString(CodedOutputStream out, int field, String s) throws IOException {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                out.writeString(field, s);
                return;
            }
        }
        out.writeTag(field, LEN);
        out.writeUInt32NoTag(n);
        for (int i = 0; i < n; i++) {
            out.write((byte) s.charAt(i));
        }
    }

    private static int stringSize(int field, String s) {
        return s.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, s);
    }

    private static int delimitedSize(int field, int size) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
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
