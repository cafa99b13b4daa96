package dev.tollgate.authz.identity;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Strict parser following the SPIFFE ID specification (section 2). */
final class SpiffeIdParser {
    static final int MAX_BYTES = 2048;
    private static final String SCHEME = "spiffe://";

    private SpiffeIdParser() {
    }

    static SpiffeId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidSpiffeIdException("SPIFFE ID is empty");
        }
        // A char is at most 3 UTF-8 bytes, so only long strings need encoding to be measured.
        if (text.length() * 3 > MAX_BYTES && text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidSpiffeIdException("SPIFFE ID is longer than " + MAX_BYTES + " bytes");
        }
        if (!text.startsWith(SCHEME)) {
            if (text.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
                throw new InvalidSpiffeIdException("scheme must be lowercase 'spiffe'");
            }
            throw new InvalidSpiffeIdException("scheme is missing or not 'spiffe://'");
        }
        int slash = text.indexOf('/', SCHEME.length());
        String trustDomain = slash < 0 ? text.substring(SCHEME.length()) : text.substring(SCHEME.length(), slash);
        String path = slash < 0 ? "" : text.substring(slash);
        checkTrustDomain(trustDomain);
        checkPath(path);
        Optional<String> namespace = Optional.empty();
        Optional<String> serviceAccount = Optional.empty();
        // Kubernetes shape: exactly /ns/<namespace>/sa/<service account>.
        if (path.startsWith("/ns/")) {
            int nsEnd = path.indexOf('/', 4);
            if (nsEnd > 4 && path.startsWith("/sa/", nsEnd) && path.indexOf('/', nsEnd + 4) < 0
                    && path.length() > nsEnd + 4) {
                namespace = Optional.of(path.substring(4, nsEnd));
                serviceAccount = Optional.of(path.substring(nsEnd + 4));
            }
        }
        return new SpiffeId(text, trustDomain, path, namespace, serviceAccount);
    }

    private static void checkTrustDomain(String td) {
        if (td.isEmpty()) {
            throw new InvalidSpiffeIdException("trust domain is missing");
        }
        for (int i = 0; i < td.length(); i++) {
            char c = td.charAt(i);
            if (c == ':') {
                throw new InvalidSpiffeIdException("trust domain must not contain a port");
            }
            if (c == '@') {
                throw new InvalidSpiffeIdException("trust domain must not contain userinfo");
            }
            if (c == '?' || c == '#') {
                throw new InvalidSpiffeIdException("SPIFFE ID must not contain a query or fragment");
            }
            if (c == '%') {
                throw new InvalidSpiffeIdException("SPIFFE ID must not contain percent-encoding");
            }
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                throw new InvalidSpiffeIdException(
                        "trust domain contains a character other than lowercase letters, digits, '.', '-' or '_' at index "
                                + i);
            }
        }
    }

    private static void checkPath(String path) {
        if (path.isEmpty()) {
            return;
        }
        if (path.endsWith("/")) {
            throw new InvalidSpiffeIdException("path must not end with '/'");
        }
        int start = 1;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            String segment = path.substring(start, end);
            if (segment.isEmpty()) {
                throw new InvalidSpiffeIdException("path contains an empty segment");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidSpiffeIdException("path contains a '" + segment + "' segment");
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c == '?' || c == '#') {
                    throw new InvalidSpiffeIdException("SPIFFE ID must not contain a query or fragment");
                }
                if (c == '%') {
                    throw new InvalidSpiffeIdException("SPIFFE ID must not contain percent-encoding");
                }
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || c == '.' || c == '-' || c == '_')) {
                    throw new InvalidSpiffeIdException(
                            "path segment contains a character other than letters, digits, '.', '-' or '_'");
                }
            }
            start = end + 1;
        }
    }
}
