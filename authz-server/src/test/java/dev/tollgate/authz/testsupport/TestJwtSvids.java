package dev.tollgate.authz.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JWT authorities, JWT-SVIDs and SPIFFE bundle documents (JWKS) made at test time. */
public final class TestJwtSvids {
    private TestJwtSvids() {
    }

    /** A trust domain's JWT authority: an EC P-256 key with {@code kid}. */
    public static ECKey authority(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWT-SVID for {@code sub} signed ES256 by {@code key}. */
    public static String token(ECKey key, String sub, List<String> audience, Instant expires) {
        return sign(key, new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(sub).audience(audience).expirationTime(Date.from(expires)).build());
    }

    public static String sign(ECKey key, JWSHeader header, JWTClaimsSet claims) {
        try {
            JWSSigner signer = new ECDSASigner(key);
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A SPIFFE bundle document: the CA as an {@code x509-svid} key and the JWT authorities as {@code jwt-svid} keys. */
    public static String bundle(TestSvids.Issued ca, JWK... jwtAuthorities) {
        List<Map<String, Object>> keys = new ArrayList<>();
        if (ca != null) {
            try {
                ECKey caKey = new ECKey.Builder(Curve.P_256, (java.security.interfaces.ECPublicKey) ca.certificate()
                        .getPublicKey()).keyUse(new KeyUse("x509-svid"))
                        .x509CertChain(List.of(Base64.encode(ca.certificate().getEncoded()))).build();
                keys.add(caKey.toJSONObject());
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        for (JWK k : jwtAuthorities) {
            Map<String, Object> json = new LinkedHashMap<>(k.toPublicJWK().toJSONObject());
            json.put("use", "jwt-svid");
            keys.add(json);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("spiffe_sequence", 1);
        doc.put("spiffe_refresh_hint", 300);
        doc.put("keys", keys);
        return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(doc);
    }
}
