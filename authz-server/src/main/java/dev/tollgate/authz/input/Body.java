package dev.tollgate.authz.input;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code parsed_body} as OPA-Envoy produces it for JSON and form-urlencoded bodies. */
final class Body {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Parsed(JsonNode body, boolean truncated) {
    }

    private static final Parsed NONE = new Parsed(NullNode.getInstance(), false);
    private static final Parsed TRUNCATED = new Parsed(NullNode.getInstance(), true);

    private Body() {
    }

    static Parsed parse(Map<String, String> headers, String body, byte[] rawBody, InputOptions options) {
        String contentType = headers.get("content-type");
        if (contentType == null) {
            return NONE;
        }
        boolean json = contentType.contains("application/json");
        boolean form = !json && contentType.contains("application/x-www-form-urlencoded");
        if (!json && !form) {
            return NONE;
        }
        String payload = !body.isEmpty() ? body
                : rawBody.length > 0 ? new String(rawBody, StandardCharsets.UTF_8) : null;
        if (payload == null) {
            return NONE;
        }
        String contentLength = headers.get("content-length");
        if (contentLength != null) {
            long declared;
            try {
                declared = Long.parseLong(contentLength.trim());
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("content-length header is not a number");
            }
            if (declared != -1 && declared > payload.length()) {
                return TRUNCATED;
            }
        }
        if (payload.length() > options.maxParsedBodyBytes()) {
            return TRUNCATED;
        }
        if (json) {
            try {
                return new Parsed(JSON.readTree(payload), false);
            } catch (JacksonException e) {
                throw new InvalidRequestException("request body is not valid JSON (" + (e.getLocation() == null
                        ? e.getOriginalMessage()
                        : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()) + ")");
            }
        }
        return new Parsed(form(payload), false);
    }

    private static ObjectNode form(String payload) {
        ObjectNode out = CompactObjectMap.object(4);
        for (String pair : payload.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            if (pair.indexOf(';') >= 0) {
                throw new InvalidRequestException("form body contains ';' in a pair");
            }
            int eq = pair.indexOf('=');
            String key = PathAndQuery.unescape(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : PathAndQuery.unescape(pair.substring(eq + 1), true);
            if (key == null || value == null) {
                throw new InvalidRequestException("form body has an invalid percent-encoding");
            }
            JsonNode existing = out.get(key);
            ArrayNode values = existing == null ? out.putArray(key) : (ArrayNode) existing;
            values.add(value);
        }
        return out;
    }
}
