package dev.tollgate.authz.input;

import com.google.protobuf.ByteString;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.Value;
import java.util.Map;

/**
 * {@code parsed_body} and {@code truncated_body} as OPA-Envoy produces them for JSON and
 * form-urlencoded bodies. Whether the body is truncated is known at once (headers and lengths);
 * the body itself is parsed when the policy first reads it. A body that cannot be parsed reads as
 * null and makes the whole check an invalid request ({@link #problem}), whether the policy read it
 * or not, as when every body was parsed up front.
 */
final class Body {
    static final Body NONE = new Body(false, false, null);
    static final Body TRUNCATED = new Body(true, false, null);

    private final boolean truncated;
    private final boolean json;
    private final String payload;
    private Value parsed;
    private String problem;
    private boolean checked;

    private Body(boolean truncated, boolean json, String payload) {
        this.truncated = truncated;
        this.json = json;
        this.payload = payload;
        this.checked = payload == null;
    }

    /** @throws InvalidRequestException when {@code content-length} is not a number */
    static Body of(Map<String, String> headers, String body, ByteString rawBody, InputOptions options) {
        String contentType = headers.get("content-type");
        if (contentType == null) {
            return NONE;
        }
        boolean json = contentType.contains("application/json");
        boolean form = !json && contentType.contains("application/x-www-form-urlencoded");
        if (!json && !form) {
            return NONE;
        }
        String payload = !body.isEmpty() ? body : !rawBody.isEmpty() ? rawBody.toStringUtf8() : null;
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
        return new Body(false, json, payload);
    }

    boolean truncated() {
        return truncated;
    }

    /** {@code parsed_body}: null for bodies that are not parsed or cannot be. */
    Value parsed() {
        if (parsed == null) {
            if (payload == null) {
                parsed = NullValue.INSTANCE;
            } else {
                try {
                    parsed = json ? JsonBody.lazy(payload) : form(payload);
                } catch (InvalidRequestException e) {
                    problem = e.getMessage();
                    parsed = NullValue.INSTANCE;
                }
                checked = true;
            }
        }
        return parsed;
    }

    /** Why the body cannot be parsed, or null; checks a body the policy did not read without building it. */
    String problem() {
        if (!checked) {
            try {
                if (json) {
                    JsonBody.check(payload);
                } else {
                    form(payload);
                }
            } catch (InvalidRequestException e) {
                problem = e.getMessage();
            }
            checked = true;
        }
        return problem;
    }

    private static Value form(String payload) {
        ValuesByKey out = new ValuesByKey();
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
            out.add(key, value);
        }
        return out.value();
    }
}
