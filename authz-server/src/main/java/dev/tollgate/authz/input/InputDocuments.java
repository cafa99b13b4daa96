package dev.tollgate.authz.input;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.SpiffeId;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.Optional;

/**
 * Builds the policy input document: the OPA-Envoy shape ({@code attributes}, {@code parsed_path},
 * {@code parsed_query}, {@code parsed_body}, {@code truncated_body}, {@code version}) plus
 * {@code identity} and {@code tenant}. Pure: no I/O, no clock.
 */
public final class InputDocuments {

    private static final ObjectNode VERSION = CompactObjectMap.frozen(2,
            v -> v.put("ext_authz", "v3").put("encoding", "protojson"));

    private static final byte[] NO_BYTES = new byte[0];
    private static final java.util.concurrent.ConcurrentHashMap<String, TextNode> TENANT_NAMES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private InputDocuments() {
    }

    /**
     * @throws InvalidRequestException when the path or body cannot be read (names the part)
     */
    public static ObjectNode build(CheckRequest request, Optional<CallerIdentity> identity, String tenant,
                                   InputOptions options) {
        return build(request, identity.map(InputDocuments::identityJson).orElse(null), tenant, options);
    }

    /**
     * As {@link #build(CheckRequest, Optional, String, InputOptions)}, with {@code input.identity}
     * already made by {@link #identityJson} (null for anonymous callers), so callers can reuse it.
     */
    public static ObjectNode build(CheckRequest request, ObjectNode identity, String tenant, InputOptions options) {
        ObjectNode input = CompactObjectMap.object(8);
        AttributeContext attributes = request.getAttributes();
        input.set("attributes", AttributesJson.attributes(attributes));
        input.set("version", VERSION);
        // TCP (network filter) checks carry no HTTP request: decided on identity alone.
        if (attributes.getRequest().hasHttp()) {
            AttributeContext.HttpRequest http = attributes.getRequest().getHttp();
            input.set("parsed_path", PathAndQuery.parsedPath(http.getPath()));
            input.set("parsed_query", PathAndQuery.parsedQuery(http.getPath()));
            if (options.parseBody()) {
                Body.Parsed body = Body.parse(http.getHeadersMap(), http.getBody(),
                        http.getRawBody().isEmpty() ? NO_BYTES : http.getRawBody().toByteArray(), options);
                input.set("parsed_body", body.body());
                input.put("truncated_body", body.truncated());
            }
        }
        if (identity != null) {
            input.set("identity", identity);
        }
        // Tenant names are few: their (immutable) text nodes are kept.
        TextNode name = TENANT_NAMES.get(tenant);
        if (name == null) {
            name = TextNode.valueOf(tenant);
            if (TENANT_NAMES.size() < 1024) {
                TENANT_NAMES.put(tenant, name);
            }
        }
        input.set("tenant", name);
        return input;
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
