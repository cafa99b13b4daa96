package dev.tollgate.authz.identity;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Finds the caller's SPIFFE ID in a check request. A source that is present but invalid ends the
 * search (a bad identity must not fall through to a weaker source). With trust bundles,
 * certificates are verified as X.509-SVIDs and JWT-SVIDs against them; results are kept per
 * credential (bounded) until the credential expires or the bundles change, so a repeated caller
 * costs no parsing or signature check.
 */
public final class IdentityResolver {
    static final String XFCC_HEADER = "x-forwarded-client-cert";

    private static final int MEMO_LIMIT = 10_000;
    /** How long a refused credential's verdict is reused (it may become valid, e.g. not-yet-valid). */
    private static final long REFUSAL_MILLIS = 10_000;

    private final IdentityPolicy policy;
    private final TrustBundles bundles;
    private final InstantSource clock;
    // Mesh callers repeat: an accepted ID string is parsed and checked once per source.
    private final EnumMap<IdentitySource, ConcurrentHashMap<String, IdentityResult.Found>> accepted =
            new EnumMap<>(IdentitySource.class);
    // Credentials repeat too: a certificate (PEM text or peer certificate) or token is verified once.
    private final ConcurrentHashMap<Object, Verdict> credentials = new ConcurrentHashMap<>();

    /** A credential's result, good until {@code untilMillis} and while the bundles are {@code generation}. */
    private record Verdict(IdentityResult result, long untilMillis, long generation) {
    }

    public IdentityResolver(IdentityPolicy policy) {
        this(policy, policy.trustBundles().isEmpty() ? TrustBundles.none() : TrustBundles.load(policy.trustBundles()),
                InstantSource.system());
    }

    public IdentityResolver(IdentityPolicy policy, TrustBundles bundles, InstantSource clock) {
        this.policy = policy;
        this.bundles = bundles;
        this.clock = clock;
        for (IdentitySource s : IdentitySource.values()) {
            accepted.put(s, new ConcurrentHashMap<>());
        }
    }

    /** The bundles credentials are verified against (started and closed by the server). */
    public TrustBundles bundles() {
        return bundles;
    }

    public IdentityResult resolve(AttributeContext attributes, Optional<X509Certificate> peerCertificate) {
        boolean untrustedXfccSeen = false;
        for (IdentitySource source : policy.sources()) {
            String candidate = null;
            try {
                switch (source) {
                    case PRINCIPAL -> candidate = emptyToNull(attributes.getSource().getPrincipal());
                    case CERTIFICATE -> {
                        String pem = attributes.getSource().getCertificate();
                        if (!pem.isEmpty()) {
                            return credential(source, pem, () -> Certificates.fromUrlEncodedPem(pem));
                        }
                    }
                    case XFCC -> {
                        String header = xfccHeader(attributes);
                        if (header != null && !policy.trustXfcc()) {
                            untrustedXfccSeen = true;
                        } else if (header != null) {
                            candidate = fromXfcc(header);
                        }
                    }
                    case PEER_CERTIFICATE -> {
                        if (peerCertificate.isPresent()) {
                            return credential(source, peerCertificate.get(), peerCertificate::get);
                        }
                    }
                    case JWT_SVID -> {
                        String token = jwtSvid(attributes);
                        if (token != null) {
                            return credential(source, token, null);
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                return new IdentityResult.Invalid(source, source.wireName() + ": " + e.getMessage());
            }
            if (candidate == null) {
                continue;
            }
            var memo = accepted.get(source);
            IdentityResult.Found known = memo.get(candidate);
            if (known != null) {
                return requireVerified(known);
            }
            IdentityResult result = accept(source, candidate, false);
            if (result instanceof IdentityResult.Found found) {
                if (memo.size() >= MEMO_LIMIT) {
                    memo.clear();
                }
                memo.put(candidate, found);
            }
            return requireVerified(result);
        }
        return new IdentityResult.Missing(untrustedXfccSeen
                ? "no caller identity (x-forwarded-client-cert is present but not trusted)"
                : "no caller identity");
    }

    /**
     * A credential's (certificate's or token's) result: kept from an earlier check while the
     * credential is valid and the bundles unchanged, else made now.
     */
    private IdentityResult credential(IdentitySource source, Object key, Supplier<X509Certificate> certificate) {
        TrustBundles.Snapshot snapshot = bundles.current();
        long now = clock.millis();
        Verdict v = credentials.get(key);
        if (v == null || now >= v.untilMillis() || v.generation() != snapshot.generation()) {
            v = verdict(source, key, certificate, snapshot, now);
            if (credentials.size() >= MEMO_LIMIT) {
                credentials.clear();
            }
            credentials.put(key, v);
        }
        return requireVerified(v.result());
    }

    private Verdict verdict(IdentitySource source, Object key, Supplier<X509Certificate> certificate,
                            TrustBundles.Snapshot snapshot, long now) {
        try {
            if (source == IdentitySource.JWT_SVID) {
                if (snapshot.byTrustDomain().isEmpty()) {
                    throw new IllegalArgumentException("no trust bundles to verify JWT-SVIDs against");
                }
                JwtSvidVerifier.Verified v = JwtSvidVerifier.verify((String) key, policy.jwtSvid(), snapshot,
                        Instant.ofEpochMilli(now));
                return new Verdict(accept(source, v.id(), true), v.expires().toEpochMilli(), snapshot.generation());
            }
            X509Certificate cert = certificate.get();
            if (snapshot.byTrustDomain().isEmpty()) {
                // Nothing to verify against: the URI SAN on the proxy's word, until the certificate expires.
                return new Verdict(accept(source, Certificates.spiffeUri(cert), false),
                        cert.getNotAfter().getTime(), snapshot.generation());
            }
            SpiffeId id = X509SvidVerifier.verify(cert, snapshot, Instant.ofEpochMilli(now));
            return new Verdict(accept(source, id, true), cert.getNotAfter().getTime(), snapshot.generation());
        } catch (IllegalArgumentException e) {
            return new Verdict(new IdentityResult.Invalid(source, source.wireName() + ": " + e.getMessage()),
                    now + REFUSAL_MILLIS, snapshot.generation());
        }
    }

    private IdentityResult accept(IdentitySource source, String candidate, boolean verified) {
        SpiffeId id;
        try {
            id = SpiffeIdParser.parse(candidate);
        } catch (InvalidSpiffeIdException e) {
            return new IdentityResult.Invalid(source, source.wireName() + ": " + e.getMessage());
        }
        return accept(source, id, verified);
    }

    private IdentityResult accept(IdentitySource source, SpiffeId id, boolean verified) {
        if (!policy.trustDomains().isEmpty() && !policy.trustDomains().contains(id.trustDomain())) {
            return new IdentityResult.Invalid(source,
                    source.wireName() + ": trust domain '" + id.trustDomain() + "' is not allowed");
        }
        return new IdentityResult.Found(new CallerIdentity(id, source, verified));
    }

    private IdentityResult requireVerified(IdentityResult result) {
        if (policy.requireVerified() && result instanceof IdentityResult.Found f && !f.identity().verified()) {
            IdentitySource source = f.identity().source();
            return new IdentityResult.Invalid(source, source.wireName() + ": identity "
                    + f.identity().id().spiffeId() + " is not verified by Tollgate (identity.require_verified)");
        }
        return result;
    }

    private String jwtSvid(AttributeContext attributes) {
        String value = header(attributes, policy.jwtSvid().header());
        if (value == null) {
            return null;
        }
        if (policy.jwtSvid().header().equals("authorization")) {
            if (value.length() < 7 || !value.regionMatches(true, 0, "bearer ", 0, 7)) {
                return null;
            }
            value = value.substring(7).strip();
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("header " + policy.jwtSvid().header() + " holds no token");
        }
        return value;
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
        return header(attributes, XFCC_HEADER);
    }

    private static String header(AttributeContext attributes, String name) {
        AttributeContext.HttpRequest http = attributes.getRequest().getHttp();
        String value = http.getHeadersMap().get(name);
        if (value != null) {
            return value;
        }
        for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue().isEmpty() ? h.getRawValue().toStringUtf8() : h.getValue();
            }
        }
        return null;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
