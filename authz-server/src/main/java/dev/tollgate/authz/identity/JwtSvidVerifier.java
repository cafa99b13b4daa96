package dev.tollgate.authz.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.TreeSet;

/**
 * Verifies a JWT-SVID (SPIFFE JWT-SVID specification) with nimbus-jose-jwt: an allowed asymmetric
 * algorithm, a {@code kid} that is a JWT authority of the trust domain its {@code sub} names, the
 * signature, {@code exp}, and an {@code aud} holding a configured audience. Failures are
 * {@link IllegalArgumentException}s that say precisely what is wrong.
 */
final class JwtSvidVerifier {
    private JwtSvidVerifier() {
    }

    /** A verified token: its SPIFFE ID and the end of its validity. */
    record Verified(SpiffeId id, Instant expires) {
    }

    static Verified verify(String token, JwtSvidSettings settings, TrustBundles.Snapshot bundles, Instant now) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new IllegalArgumentException("token is not a JWT (" + e.getMessage() + ")");
        }
        if (jwt instanceof PlainJWT) {
            throw new IllegalArgumentException("token is unsigned (alg none)");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            throw new IllegalArgumentException("token is encrypted, not a signed JWT-SVID");
        }
        JWSHeader header = signed.getHeader();
        String alg = header.getAlgorithm().getName();
        if (!settings.algorithms().contains(alg)) {
            throw new IllegalArgumentException("algorithm " + alg + " is not allowed (allowed: "
                    + String.join(", ", new TreeSet<>(settings.algorithms())) + ")");
        }
        String kid = header.getKeyID();
        if (kid == null || kid.isEmpty()) {
            throw new IllegalArgumentException("token has no kid");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new IllegalArgumentException("token claims are not a JSON object");
        }
        String sub = claims.getSubject();
        if (sub == null) {
            throw new IllegalArgumentException("token has no sub");
        }
        SpiffeId id;
        try {
            id = SpiffeIdParser.parse(sub);
        } catch (InvalidSpiffeIdException e) {
            throw new IllegalArgumentException("sub is not a valid SPIFFE ID: " + e.getMessage());
        }
        TrustBundle bundle = bundles.get(id.trustDomain()).orElseThrow(() -> new IllegalArgumentException(
                "no trust bundle for trust domain '" + id.trustDomain() + "' (foreign trust domain)"));
        JWK key = bundle.jwtAuthorities().get(kid);
        if (key == null) {
            throw new IllegalArgumentException("kid '" + kid + "' is not a JWT authority of trust domain '"
                    + id.trustDomain() + "'");
        }
        try {
            if (!signed.verify(verifier(key, alg))) {
                throw new IllegalArgumentException("signature does not verify with kid '" + kid + "'");
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("kid '" + kid + "' (" + key.getKeyType() + ") cannot verify " + alg);
        }
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new IllegalArgumentException("token has no exp");
        }
        if (!now.isBefore(exp.toInstant())) {
            throw new IllegalArgumentException("token expired at " + exp.toInstant());
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.isEmpty()) {
            throw new IllegalArgumentException("token has no aud");
        }
        if (aud.stream().noneMatch(settings.audiences()::contains)) {
            throw new IllegalArgumentException("audience " + aud + " does not contain any of "
                    + new TreeSet<>(settings.audiences()));
        }
        return new Verified(id, exp.toInstant());
    }

    private static JWSVerifier verifier(JWK key, String alg) throws JOSEException {
        if (key instanceof ECKey ec && alg.startsWith("ES")) {
            return new ECDSAVerifier(ec.toECPublicKey());
        }
        if (key instanceof RSAKey rsa && (alg.startsWith("RS") || alg.startsWith("PS"))) {
            return new RSASSAVerifier(rsa.toRSAPublicKey());
        }
        throw new JOSEException("key type does not match the algorithm");
    }
}
