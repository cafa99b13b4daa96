package dev.tollgate.authz.input;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code parsed_path} and {@code parsed_query} as OPA-Envoy derives them from the request path:
 * percent-decoded path split on '/' after leading slashes are trimmed; query pairs split on '&',
 * '+' read as space, pairs with bad escapes or ';' skipped.
 */
final class PathAndQuery {
    private PathAndQuery() {
    }

    /** Throws what makes the path unreadable (control characters, bad escapes): checked before any policy runs. */
    static void checkPath(String rawPathAndQuery) {
        checkNoControlCharacters(rawPathAndQuery);
        int end = pathEnd(rawPathAndQuery);
        int percent = rawPathAndQuery.lastIndexOf('%', end - 1);
        if (percent >= 0 && !validEscapes(rawPathAndQuery, end)) {
            throw new InvalidRequestException("request path has an invalid percent-encoding");
        }
    }

    private static int pathEnd(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '?' || c == '#') {
                return i;
            }
        }
        return raw.length();
    }

    private static boolean validEscapes(String s, int end) {
        for (int i = 0; i < end; i++) {
            if (s.charAt(i) == '%') {
                if (i + 2 >= end || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** The path's segments; the path has passed {@link #checkPath}. */
    static ArrayValue parsedPath(String rawPathAndQuery) {
        int end = pathEnd(rawPathAndQuery);
        String decoded;
        int limit;
        if (rawPathAndQuery.lastIndexOf('%', end - 1) < 0) {
            // Nothing to decode: split the raw string in place.
            decoded = rawPathAndQuery;
            limit = end;
        } else {
            decoded = unescape(rawPathAndQuery.substring(0, end), false);
            if (decoded == null) {
                throw new InvalidRequestException("request path has an invalid percent-encoding");
            }
            limit = decoded.length();
        }
        int start = 0;
        while (start < limit && decoded.charAt(start) == '/') {
            start++;
        }
        int count = 1;
        for (int i = start; i < limit; i++) {
            if (decoded.charAt(i) == '/') {
                count++;
            }
        }
        Value[] segments = new Value[count];
        int from = start;
        int n = 0;
        for (int i = start; i <= limit; i++) {
            if (i == limit || decoded.charAt(i) == '/') {
                segments[n++] = StringValue.of(decoded.substring(from, i));
                from = i + 1;
            }
        }
        return ArrayValue.wrap(segments);
    }

    static ObjectValue parsedQuery(String rawPathAndQuery) {
        int q = rawPathAndQuery.indexOf('?');
        if (q < 0) {
            return ObjectValue.EMPTY;
        }
        ValuesByKey query = new ValuesByKey();
        int hash = rawPathAndQuery.indexOf('#', q);
        int end = hash < 0 ? rawPathAndQuery.length() : hash;
        int from = q + 1;
        while (from <= end) {
            int amp = rawPathAndQuery.indexOf('&', from);
            int pairEnd = amp < 0 || amp > end ? end : amp;
            int eq = -1;
            boolean semicolon = false;
            for (int i = from; i < pairEnd; i++) {
                char c = rawPathAndQuery.charAt(i);
                if (c == ';') {
                    semicolon = true;
                } else if (c == '=' && eq < 0) {
                    eq = i;
                }
            }
            if (pairEnd > from && !semicolon) {
                String key = unescape(rawPathAndQuery.substring(from, eq < 0 ? pairEnd : eq), true);
                String value = eq < 0 ? "" : unescape(rawPathAndQuery.substring(eq + 1, pairEnd), true);
                if (key != null && value != null) {
                    query.add(key, value);
                }
            }
            from = pairEnd + 1;
        }
        return query.value();
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
