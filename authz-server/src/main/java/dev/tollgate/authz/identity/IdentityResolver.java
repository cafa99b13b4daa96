package dev.tollgate.authz.identity;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the caller's SPIFFE ID in a check request. Pure: the same attributes and peer certificate
 * always give the same result. A source that is present but invalid ends the search (a bad
 * identity must not fall through to a weaker source).
 */
public final class IdentityResolver {
    static final String XFCC_HEADER = "x-forwarded-client-cert";

    private static final int MEMO_LIMIT = 10_000;

    private final IdentityPolicy policy;
    // Mesh callers repeat: an accepted ID string is parsed and checked once per source.
    private final java.util.EnumMap<IdentitySource, java.util.concurrent.ConcurrentHashMap<String, IdentityResult.Found>>
            accepted = new java.util.EnumMap<>(IdentitySource.class);

    public IdentityResolver(IdentityPolicy policy) {
        this.policy = policy;
        for (IdentitySource s : IdentitySource.values()) {
            accepted.put(s, new java.util.concurrent.ConcurrentHashMap<>());
        }
    }

    public IdentityResult resolve(AttributeContext attributes, Optional<X509Certificate> peerCertificate) {
        boolean untrustedXfccSeen = false;
        for (IdentitySource source : policy.sources()) {
            String candidate;
            try {
                candidate = switch (source) {
                    case PRINCIPAL -> emptyToNull(attributes.getSource().getPrincipal());
                    case CERTIFICATE -> {
                        String pem = attributes.getSource().getCertificate();
                        yield pem.isEmpty() ? null : Certificates.spiffeUri(Certificates.fromUrlEncodedPem(pem));
                    }
                    case XFCC -> {
                        String header = xfccHeader(attributes);
                        if (header == null) {
                            yield null;
                        }
                        if (!policy.trustXfcc()) {
                            untrustedXfccSeen = true;
                            yield null;
                        }
                        yield fromXfcc(header);
                    }
                    case PEER_CERTIFICATE -> peerCertificate.map(Certificates::spiffeUri).orElse(null);
                };
            } catch (IllegalArgumentException e) {
                return new IdentityResult.Invalid(source, source.wireName() + ": " + e.getMessage());
            }
            if (candidate == null) {
                continue;
            }
            var memo = accepted.get(source);
            IdentityResult.Found known = memo.get(candidate);
            if (known != null) {
                return known;
            }
            SpiffeId id;
            try {
                id = SpiffeIdParser.parse(candidate);
            } catch (InvalidSpiffeIdException e) {
                return new IdentityResult.Invalid(source, source.wireName() + ": " + e.getMessage());
            }
            if (!policy.trustDomains().isEmpty() && !policy.trustDomains().contains(id.trustDomain())) {
                return new IdentityResult.Invalid(source,
                        source.wireName() + ": trust domain '" + id.trustDomain() + "' is not allowed");
            }
            IdentityResult.Found found = new IdentityResult.Found(new CallerIdentity(id, source));
            if (memo.size() >= MEMO_LIMIT) {
                memo.clear();
            }
            memo.put(candidate, found);
            return found;
        }
        return new IdentityResult.Missing(untrustedXfccSeen
                ? "no caller identity (x-forwarded-client-cert is present but not trusted)"
                : "no caller identity");
    }

    private static String fromXfcc(String header) {
        List<Map<String, String>> elements = Xfcc.parse(header);
        // The element appended last comes from the proxy nearest to us.
        String uri = elements.getLast().get("uri");
        if (uri == null || uri.isEmpty()) {
            throw new IllegalArgumentException("last x-forwarded-client-cert element has no URI");
        }
        return uri;
    }

    private static String xfccHeader(AttributeContext attributes) {
        AttributeContext.HttpRequest http = attributes.getRequest().getHttp();
        String value = http.getHeadersMap().get(XFCC_HEADER);
        if (value != null) {
            return value;
        }
        for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
            if (h.getKey().equalsIgnoreCase(XFCC_HEADER)) {
                return h.getValue().isEmpty() ? h.getRawValue().toStringUtf8() : h.getValue();
            }
        }
        return null;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
