package dev.tollgate.authz.input;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code parsed_path} and {@code parsed_query} as OPA-Envoy derives them from the request path:
 * percent-decoded path split on '/' after leading slashes are trimmed; query pairs split on '&',
 * '+' read as space, pairs with bad escapes or ';' skipped.
 */
final class PathAndQuery {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private PathAndQuery() {
    }

    static ArrayNode parsedPath(String rawPathAndQuery) {
        String path = rawPathAndQuery;
        int hash = path.indexOf('#');
        if (hash >= 0) {
            path = path.substring(0, hash);
        }
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        checkNoControlCharacters(rawPathAndQuery);
        String decoded = unescape(path, false);
        if (decoded == null) {
            throw new InvalidRequestException("request path has an invalid percent-encoding");
        }
        int start = 0;
        while (start < decoded.length() && decoded.charAt(start) == '/') {
            start++;
        }
        ArrayNode segments = F.arrayNode();
        int from = start;
        for (int i = start; i <= decoded.length(); i++) {
            if (i == decoded.length() || decoded.charAt(i) == '/') {
                segments.add(decoded.substring(from, i));
                from = i + 1;
            }
        }
        return segments;
    }

    static ObjectNode parsedQuery(String rawPathAndQuery) {
        ObjectNode query = CompactObjectMap.object(4);
        int hash = rawPathAndQuery.indexOf('#');
        String s = hash >= 0 ? rawPathAndQuery.substring(0, hash) : rawPathAndQuery;
        int q = s.indexOf('?');
        if (q < 0) {
            return query;
        }
        String raw = s.substring(q + 1);
        int from = 0;
        while (from <= raw.length()) {
            int amp = raw.indexOf('&', from);
            int end = amp < 0 ? raw.length() : amp;
            String pair = raw.substring(from, end);
            from = end + 1;
            if (pair.isEmpty() || pair.indexOf(';') >= 0) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = unescape(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : unescape(pair.substring(eq + 1), true);
            if (key == null || value == null) {
                continue;
            }
            ArrayNode values = (ArrayNode) query.get(key);
            if (values == null) {
                values = query.putArray(key);
            }
            values.add(value);
            if (amp < 0) {
                break;
            }
        }
        return query;
    }

    /** Percent-decodes; in query mode '+' is a space. Returns null on a malformed escape. */
    static String unescape(String s, boolean query) {
        if (s.indexOf('%') < 0 && (!query || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%') {
                if (i + 2 >= bytes.length) {
                    return null;
                }
                int hi = Character.digit(bytes[i + 1], 16);
                int lo = Character.digit(bytes[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (query && b == '+') {
                out.write(' ');
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void checkNoControlCharacters(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidRequestException("request path contains a control character at index " + i);
            }
        }
    }
}
