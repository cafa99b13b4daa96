package dev.tollgate.authz.input;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

    private InputDocuments() {
    }

    /**
     * @throws InvalidRequestException when the path or body cannot be read (names the part)
     */
    public static ObjectNode build(CheckRequest request, Optional<CallerIdentity> identity, String tenant,
                                   InputOptions options) {
        ObjectNode input = CompactObjectMap.object(8);
        AttributeContext attributes = request.getAttributes();
        input.set("attributes", AttributesJson.attributes(attributes));
        input.set("version", CompactObjectMap.object(2).put("ext_authz", "v3").put("encoding", "protojson"));
        // TCP (network filter) checks carry no HTTP request: decided on identity alone.
        if (attributes.getRequest().hasHttp()) {
            AttributeContext.HttpRequest http = attributes.getRequest().getHttp();
            input.set("parsed_path", PathAndQuery.parsedPath(http.getPath()));
            input.set("parsed_query", PathAndQuery.parsedQuery(http.getPath()));
            if (options.parseBody()) {
                Body.Parsed body = Body.parse(http.getHeadersMap(), http.getBody(),
                        http.getRawBody().isEmpty() ? new byte[0] : http.getRawBody().toByteArray(), options);
                input.set("parsed_body", body.body());
                input.put("truncated_body", body.truncated());
            }
        }
        identity.ifPresent(id -> input.set("identity", identityJson(id)));
        input.put("tenant", tenant);
        return input;
    }

    /** {@code input.identity}: also used as the identity in response dynamic metadata. */
    public static ObjectNode identityJson(CallerIdentity identity) {
        SpiffeId id = identity.id();
        ObjectNode o = CompactObjectMap.object(6);
        o.put("spiffe_id", id.spiffeId());
        o.put("trust_domain", id.trustDomain());
        o.put("path", id.path());
        id.namespace().ifPresent(ns -> o.put("namespace", ns));
        id.serviceAccount().ifPresent(sa -> o.put("service_account", sa));
        o.put("source", identity.source().wireName());
        return o;
    }
}
