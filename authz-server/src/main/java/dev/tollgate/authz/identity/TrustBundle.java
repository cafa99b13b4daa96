package dev.tollgate.authz.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One trust domain's authorities: X.509 CAs that sign its X.509-SVIDs and JWT keys (by key id)
 * that sign its JWT-SVIDs. Read from a PEM CA bundle (X.509 only) or a SPIFFE bundle document (a
 * JWKS whose keys have {@code use} {@code x509-svid} or {@code jwt-svid}).
 */
public record TrustBundle(String trustDomain, List<X509Certificate> x509Authorities, Map<String, JWK> jwtAuthorities,
                          Set<TrustAnchor> anchors) {
    public TrustBundle {
        x509Authorities = List.copyOf(x509Authorities);
        jwtAuthorities = Map.copyOf(jwtAuthorities);
        anchors = Set.copyOf(anchors);
    }

    public static TrustBundle of(String trustDomain, List<X509Certificate> x509Authorities, Map<String, JWK> jwt) {
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate c : x509Authorities) {
            anchors.add(new TrustAnchor(c, null));
        }
        return new TrustBundle(trustDomain, x509Authorities, jwt, anchors);
    }

    /**
     * Parses a bundle file's content.
     *
     * @param origin names the file in error messages
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static TrustBundle parse(String trustDomain, byte[] content, String origin) {
        String text = new String(content, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
            return parseJwks(trustDomain, text, origin);
        }
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(origin + ": neither a PEM CA bundle (no BEGIN CERTIFICATE line) nor a"
                    + " SPIFFE bundle (JWKS)");
        }
        List<X509Certificate> cas = new ArrayList<>();
        try {
            Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
            for (var c : certs) {
                cas.add((X509Certificate) c);
            }
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(origin + ": PEM CA bundle does not parse as X.509 certificates");
        }
        if (cas.isEmpty()) {
            throw new IllegalArgumentException(origin + ": PEM CA bundle holds no certificate");
        }
        return of(trustDomain, cas, Map.of());
    }

    private static TrustBundle parseJwks(String trustDomain, String text, String origin) {
        JWKSet set;
        try {
            set = JWKSet.parse(text);
        } catch (ParseException e) {
            throw new IllegalArgumentException(origin + ": SPIFFE bundle is not a valid JWKS: " + e.getMessage());
        }
        List<X509Certificate> cas = new ArrayList<>();
        Map<String, JWK> jwt = new LinkedHashMap<>();
        int i = 0;
        for (JWK key : set.getKeys()) {
            String use = key.getKeyUse() == null ? null : key.getKeyUse().identifier();
            String where = origin + ": keys[" + i++ + "]";
            if ("x509-svid".equals(use)) {
                List<Base64> chain = key.getX509CertChain();
                if (chain == null || chain.size() != 1) {
                    throw new IllegalArgumentException(where + ": an x509-svid key needs exactly one x5c certificate");
                }
                try {
                    cas.add((X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(chain.getFirst().decode())));
                } catch (CertificateException | RuntimeException e) {
                    throw new IllegalArgumentException(where + ": x5c is not an X.509 certificate");
                }
            } else if ("jwt-svid".equals(use)) {
                if (key.getKeyID() == null || key.getKeyID().isEmpty()) {
                    throw new IllegalArgumentException(where + ": a jwt-svid key needs a kid");
                }
                if (key.isPrivate()) {
                    throw new IllegalArgumentException(where + ": holds a private key");
                }
                jwt.put(key.getKeyID(), key);
            } else {
                throw new IllegalArgumentException(where + ": use must be x509-svid or jwt-svid, got " + use);
            }
        }
        return of(trustDomain, cas, jwt);
    }
}
