package dev.tollgate.authz.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a policy result into a {@link Decision} the way OPA-Envoy reads it: a boolean, or an
 * object whose {@code allowed} is required. Pure; a malformed result is an
 * {@link InvalidResultException} naming the field.
 */
public final class DecisionReader {
    private DecisionReader() {
    }

    // Read-only (its map refuses puts): shared by every decision without metadata; stages copy before adding.
    private static final ObjectNode EMPTY = new ObjectNode(JsonNodeFactory.instance, java.util.Map.of());

    static ObjectNode emptyObject() {
        return EMPTY;
    }

    // A boolean result is one of two decisions, whatever the check: made once (Decision is immutable).
    private static final Decision ALLOW = bool(BooleanNode.TRUE);
    private static final Decision DENY = bool(BooleanNode.FALSE);

    private static Decision bool(JsonNode result) {
        boolean allowed = result.booleanValue();
        return new Decision(allowed, allowed ? Reason.ALLOWED : Reason.POLICY_DENIED, "",
                allowed ? 200 : 403, List.of(), List.of(), List.of(), List.of(), List.of(), Optional.empty(),
                emptyObject(), result);
    }

    public static Decision read(JsonNode result) {
        if (result == BooleanNode.TRUE) {
            return ALLOW;
        }
        if (result == BooleanNode.FALSE) {
            return DENY;
        }
        if (result.isBoolean()) {
            return bool(result);
        }
        if (!result.isObject()) {
            throw new InvalidResultException("policy result must be a boolean or an object, got "
                    + result.getNodeType().name().toLowerCase());
        }
        JsonNode allowedNode = result.get("allowed");
        if (allowedNode == null) {
            throw new InvalidResultException("policy result object has no \"allowed\" field");
        }
        if (!allowedNode.isBoolean()) {
            throw new InvalidResultException("\"allowed\" must be a boolean");
        }
        boolean allowed = allowedNode.booleanValue();
        int status = allowed ? 200 : httpStatus(result.get("http_status"));
        JsonNode body = result.get("body");
        if (body != null && !body.isTextual()) {
            throw new InvalidResultException("\"body\" must be a string");
        }
        JsonNode metadata = result.get("dynamic_metadata");
        if (metadata != null && !metadata.isObject()) {
            throw new InvalidResultException("\"dynamic_metadata\" must be an object");
        }
        return new Decision(allowed, allowed ? Reason.ALLOWED : Reason.POLICY_DENIED, "", status,
                headers(result.get("headers"), "headers"),
                headers(result.get("response_headers_to_add"), "response_headers_to_add"),
                strings(result.get("request_headers_to_remove"), "request_headers_to_remove"),
                nameValues(result.get("query_parameters_to_set"), "query_parameters_to_set"),
                strings(result.get("query_parameters_to_remove"), "query_parameters_to_remove"),
                body == null ? Optional.empty() : Optional.of(body.textValue()),
                metadata == null ? emptyObject() : (ObjectNode) metadata, result);
    }

    private static int httpStatus(JsonNode node) {
        if (node == null) {
            return 403;
        }
        if (!node.isIntegralNumber() && !(node.isNumber() && node.doubleValue() == Math.rint(node.doubleValue()))) {
            throw new InvalidResultException("\"http_status\" must be an integer");
        }
        int code = node.asInt();
        StatusCode envoyCode = StatusCode.forNumber(code);
        if (envoyCode == null || code == 0) {
            throw new InvalidResultException("\"http_status\" " + node + " is not an HTTP status Envoy accepts");
        }
        return code;
    }

    /** An object of string (or array of string) values, or an array of such objects. */
    private static List<Header> headers(JsonNode node, String field) {
        if (node == null) {
            return List.of();
        }
        if (node.isArray()) {
            List<Header> out = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isObject()) {
                    throw new InvalidResultException("\"" + field + "\" array items must be objects");
                }
                out.addAll(nameValues(item, field));
            }
            return out;
        }
        return nameValues(node, field);
    }

    private static List<Header> nameValues(JsonNode node, String field) {
        if (node == null) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new InvalidResultException("\"" + field + "\" must be an object");
        }
        List<Header> out = new ArrayList<>(node.size());
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                out.add(new Header(e.getKey(), v.textValue()));
            } else if (v.isArray()) {
                for (JsonNode item : v) {
                    if (!item.isTextual()) {
                        throw new InvalidResultException("\"" + field + "." + e.getKey() + "\" values must be strings");
                    }
                    out.add(new Header(e.getKey(), item.textValue()));
                }
            } else {
                throw new InvalidResultException("\"" + field + "." + e.getKey()
                        + "\" must be a string or an array of strings");
            }
        }
        return out;
    }

    private static List<String> strings(JsonNode node, String field) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidResultException("\"" + field + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new InvalidResultException("\"" + field + "\" must be an array of strings");
            }
            out.add(item.textValue());
        }
        return out;
    }
}
