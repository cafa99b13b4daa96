package dev.tollgate.authz.input;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.SpiffeId;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the policy input document: the OPA-Envoy shape ({@code attributes}, {@code parsed_path},
 * {@code parsed_query}, {@code parsed_body}, {@code truncated_body}, {@code version}) plus
 * {@code identity} and {@code tenant}. The document is a lazy jrego object over the CheckRequest:
 * nothing is copied, parsed or converted until the policy reads it; what makes a request invalid
 * is checked up front (path, header lengths) or, for the body, by {@link InputDocument#problem()}.
 * Pure: no I/O, no clock.
 */
public final class InputDocuments {
    private static final StringValue[] KEYS = MessageObject.names("attributes", "version", "parsed_path",
            "parsed_query", "parsed_body", "truncated_body", "identity", "tenant");
    private static final int ATTRIBUTES = 0;
    private static final int VERSION_KEY = 1;
    private static final int PARSED_PATH = 2;
    private static final int PARSED_QUERY = 3;
    private static final int PARSED_BODY = 4;
    private static final int TRUNCATED_BODY = 5;
    private static final int IDENTITY = 6;
    private static final int TENANT = 7;

    private static final ObjectValue VERSION = ObjectValue.builder()
            .put("ext_authz", "v3").put("encoding", "protojson").build();
    private static final ConcurrentHashMap<String, StringValue> TENANT_NAMES = new ConcurrentHashMap<>();

    private InputDocuments() {
    }

    /**
     * @throws InvalidRequestException when the path or body cannot be read (names the part)
     */
    public static InputDocument build(CheckRequest request, Optional<CallerIdentity> identity, String tenant,
                                      InputOptions options) {
        return build(request, identity.map(i -> identityValue(identityJson(i))).orElse(null), tenant, options);
    }

    /**
     * As {@link #build(CheckRequest, Optional, String, InputOptions)}, with {@code input.identity}
     * already made by {@link #identityValue} (null for anonymous callers), so callers can reuse it.
     *
     * @throws InvalidRequestException when the path or {@code content-length} cannot be read
     */
    public static InputDocument build(CheckRequest request, ObjectValue identity, String tenant,
                                      InputOptions options) {
        AttributeContext attributes = request.getAttributes();
        // TCP (network filter) checks carry no HTTP request: decided on identity alone.
        boolean http = attributes.getRequest().hasHttp();
        Body body = Body.NONE;
        int present = 1 << ATTRIBUTES | 1 << VERSION_KEY | 1 << TENANT;
        if (http) {
            AttributeContext.HttpRequest h = attributes.getRequest().getHttp();
            PathAndQuery.checkPath(h.getPath());
            present |= 1 << PARSED_PATH | 1 << PARSED_QUERY;
            if (options.parseBody()) {
                body = Body.of(h.getHeadersMap(), h.getBody(), h.getRawBody(), options);
                present |= 1 << PARSED_BODY | 1 << TRUNCATED_BODY;
            }
        }
        if (identity != null) {
            present |= 1 << IDENTITY;
        }
        Body b = body;
        ObjectValue value = ObjectValue.lazy(new MessageObject(KEYS, present) {
            @Override
            Value field(int i) {
                return switch (i) {
                    case ATTRIBUTES -> AttributeObjects.attributes(attributes);
                    case VERSION_KEY -> VERSION;
                    case PARSED_PATH -> PathAndQuery.parsedPath(attributes.getRequest().getHttp().getPath());
                    case PARSED_QUERY -> PathAndQuery.parsedQuery(attributes.getRequest().getHttp().getPath());
                    case PARSED_BODY -> b.parsed();
                    case TRUNCATED_BODY -> BooleanValue.of(b.truncated());
                    case IDENTITY -> identity;
                    default -> tenantName(tenant);
                };
            }
        });
        return new InputDocument(value, body);
    }

    // Tenant names are few: their string values are kept.
    private static StringValue tenantName(String tenant) {
        StringValue name = TENANT_NAMES.get(tenant);
        if (name == null) {
            name = StringValue.of(tenant);
            if (TENANT_NAMES.size() < 1024) {
                TENANT_NAMES.put(tenant, name);
            }
        }
        return name;
    }

    /** {@code input.identity} as the policy sees it, from {@link #identityJson}; made once per caller. */
    public static ObjectValue identityValue(ObjectNode identityJson) {
        return (ObjectValue) Json.fromJackson(identityJson);
    }

    /** {@code input.identity} (read-only, shareable): also the identity in response dynamic metadata. */
    public static ObjectNode identityJson(CallerIdentity identity) {
        return CompactObjectMap.frozen(9, o -> fillIdentity(o, identity));
    }

    private static void fillIdentity(ObjectNode o, CallerIdentity identity) {
        SpiffeId id = identity.id();
        o.put("spiffe_id", id.spiffeId());
        o.put("trust_domain", id.trustDomain());
        o.put("path", id.path());
        id.namespace().ifPresent(ns -> o.put("namespace", ns));
        id.serviceAccount().ifPresent(sa -> o.put("service_account", sa));
        o.put("workload", id.workload());
        o.put("source", identity.source().wireName());
        o.put("verified", identity.verified());
        identity.federated().ifPresent(f -> o.put("federated", f));
    }
}
