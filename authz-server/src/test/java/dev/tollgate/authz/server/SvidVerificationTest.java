package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.identity.IdentityPolicy;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.identity.JwtSvidSettings;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.authz.testsupport.TestJwtSvids;
import dev.tollgate.authz.testsupport.TestSvids;
import dev.tollgate.authz.testsupport.TestSvids.LeafSpec;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * X.509-SVIDs and JWT-SVIDs verified against trust bundles, through the server with the shipped
 * policies: every bad credential is an {@code identity_invalid} (401) deny with its own detail,
 * never an INTERNAL.
 */
class SvidVerificationTest {
    static final String CALLER = "spiffe://bank-a/api-ms";
    static final String DESTINATION = "spiffe://bank-b/trans-ms";
    static final TestSvids.Issued BANK_A_CA = TestSvids.ca("bank-a");
    static final TestSvids.Issued BANK_B_CA = TestSvids.ca("bank-b");
    static final TestSvids.Issued IMPOSTOR_CA = TestSvids.ca("bank-a");
    static final TestSvids.Issued BANK_Z_CA = TestSvids.ca("bank-z");
    static final ECKey BANK_A_JWT = TestJwtSvids.authority("bank-a-jwt-1");
    static final ECKey IMPOSTOR_JWT = TestJwtSvids.authority("bank-a-jwt-1");
    static final ECKey BANK_Z_JWT = TestJwtSvids.authority("bank-z-jwt-1");
    static final Instant NOW = Instant.now();

    @TempDir
    static Path dir;
    static InProcessTollgate served;

    @BeforeAll
    static void start() throws Exception {
        IdentityPolicy identity = new IdentityPolicy(List.of(IdentitySource.CERTIFICATE, IdentitySource.JWT_SVID),
                false, Set.of())
                .withTrustBundles(Map.of(
                        "bank-a", TestSvids.write(dir.resolve("bank-a.json"), TestJwtSvids.bundle(BANK_A_CA, BANK_A_JWT)),
                        "bank-b", TestSvids.write(dir.resolve("bank-b.pem"), BANK_B_CA.pem())), false)
                .withJwtSvid(new JwtSvidSettings("x-jwt-svid", Set.of("tollgate", "spiffe://bank-b/trans-ms"),
                        JwtSvidSettings.SPEC_ALGORITHMS));
        ServerConfig config = ServerConfig.defaults()
                .withPoliciesDir(ShippedPoliciesTest.repoRoot().resolve("policies")).withIdentity(identity);
        Tollgate tollgate = new Tollgate(config, Engines.of(new RegoEngine(), new WasmEngine(1, Duration.ofSeconds(5))),
                List.of());
        served = new InProcessTollgate(tollgate);
        tollgate.loadTenants();
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
    }

    static CheckResponse withCertificate(String urlEncodedPem) {
        CheckRequest.Builder b = Requests.check(null, DESTINATION, Requests.http("POST", "/transfer"));
        b.getAttributesBuilder().getSourceBuilder().setCertificate(urlEncodedPem);
        return served.authz.check(b.build());
    }

    static CheckResponse withToken(String token) {
        return served.authz.check(Requests.check(null, DESTINATION,
                Requests.http("POST", "/transfer").putHeaders("x-jwt-svid", token)).build());
    }

    static String leaf(TestSvids.Issued ca, LeafSpec spec) {
        return TestSvids.leaf(ca, spec).urlEncodedPem();
    }

    static String hmacToken() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("bank-a-jwt-1").build(),
                claims(CALLER, List.of("tollgate"), NOW.plusSeconds(300)));
        jwt.sign(new MACSigner(new byte[32]));
        return jwt.serialize();
    }

    static JWTClaimsSet claims(String sub, List<String> aud, Instant exp) {
        return new JWTClaimsSet.Builder().subject(sub).audience(aud).expirationTime(Date.from(exp)).build();
    }

    static Stream<Arguments> badCertificates() throws Exception {
        LeafSpec svid = LeafSpec.svid(CALLER);
        return Stream.of(
                Arguments.of("expired", leaf(BANK_A_CA, svid.validity(NOW.minusSeconds(7200), NOW.minusSeconds(60))),
                        "certificate: X.509-SVID expired at "),
                Arguments.of("not yet valid", leaf(BANK_A_CA, svid.validity(NOW.plusSeconds(3600), NOW.plusSeconds(7200))),
                        "certificate: X.509-SVID is not valid before "),
                Arguments.of("wrong signer", leaf(IMPOSTOR_CA, svid),
                        "certificate: X.509-SVID is not signed by an authority of trust domain 'bank-a' (unknown authority)"),
                Arguments.of("self-signed look-alike", TestSvids.selfSigned(BANK_A_CA, svid).urlEncodedPem(),
                        "certificate: X.509-SVID is not signed by an authority of trust domain 'bank-a' (unknown authority)"),
                Arguments.of("signed by another trust domain", leaf(BANK_B_CA, svid),
                        "certificate: X.509-SVID is not signed by an authority of trust domain 'bank-a' (unknown authority)"),
                Arguments.of("two URI SANs", leaf(BANK_A_CA, svid.withUris(CALLER, "spiffe://bank-a/audit-ms")),
                        "certificate: certificate has 2 URI subject alternative names, expected one"),
                Arguments.of("non-SPIFFE URI", leaf(BANK_A_CA, svid.withUris("https://bank-a.example/api-ms")),
                        "certificate: scheme is missing or not 'spiffe://'"),
                Arguments.of("no URI SAN", leaf(BANK_A_CA, svid.withUris()),
                        "certificate: certificate has no URI subject alternative name"),
                Arguments.of("CA as leaf", leaf(BANK_A_CA, svid.asCa()),
                        "certificate: X.509-SVID leaf is a CA certificate (basic constraints cA=true)"),
                Arguments.of("no digitalSignature", leaf(BANK_A_CA, svid.keyUsage(KeyUsage.keyEncipherment)),
                        "certificate: X.509-SVID leaf lacks the digitalSignature key usage"),
                Arguments.of("keyCertSign on a leaf", leaf(BANK_A_CA,
                                svid.keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)),
                        "certificate: X.509-SVID leaf has the keyCertSign or cRLSign key usage"),
                Arguments.of("foreign trust domain", leaf(BANK_Z_CA, LeafSpec.svid("spiffe://bank-z/api-ms")),
                        "certificate: no trust bundle for trust domain 'bank-z' (foreign trust domain)"),
                Arguments.of("not PEM", "hello", "certificate: certificate is not PEM (no BEGIN CERTIFICATE line)"),
                Arguments.of("bad PEM", "-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----",
                        "certificate: certificate PEM does not parse as X.509"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCertificates")
    void badCertificatesAreDeniedWithTheirOwnReason(String name, String pem, String detail) {
        assertIdentityInvalid(withCertificate(pem), detail);
        // the verdict is kept per certificate: the second check says the same
        assertIdentityInvalid(withCertificate(pem), detail);
    }

    static Stream<Arguments> badTokens() throws Exception {
        return Stream.of(
                Arguments.of("alg none", new PlainJWT(claims(CALLER, List.of("tollgate"), NOW.plusSeconds(300))).serialize(),
                        "jwt_svid: token is unsigned (alg none)"),
                Arguments.of("HMAC", hmacToken(), "jwt_svid: algorithm HS256 is not allowed (allowed: ES256, ES384,"
                        + " ES512, PS256, PS384, PS512, RS256, RS384, RS512)"),
                Arguments.of("wrong audience", TestJwtSvids.token(BANK_A_JWT, CALLER, List.of("bank-c"), NOW.plusSeconds(300)),
                        "jwt_svid: audience [bank-c] does not contain any of [spiffe://bank-b/trans-ms, tollgate]"),
                Arguments.of("expired", TestJwtSvids.token(BANK_A_JWT, CALLER, List.of("tollgate"), NOW.minusSeconds(5)),
                        "jwt_svid: token expired at "),
                Arguments.of("unknown kid", TestJwtSvids.token(TestJwtSvids.authority("other"), CALLER, List.of("tollgate"),
                        NOW.plusSeconds(300)), "jwt_svid: kid 'other' is not a JWT authority of trust domain 'bank-a'"),
                Arguments.of("wrong signer, known kid", TestJwtSvids.token(IMPOSTOR_JWT, CALLER, List.of("tollgate"),
                        NOW.plusSeconds(300)), "jwt_svid: signature does not verify with kid 'bank-a-jwt-1'"),
                Arguments.of("sub not a SPIFFE ID", TestJwtSvids.token(BANK_A_JWT, "user@bank-a", List.of("tollgate"),
                        NOW.plusSeconds(300)), "jwt_svid: sub is not a valid SPIFFE ID: scheme is missing or not 'spiffe://'"),
                Arguments.of("foreign trust domain", TestJwtSvids.token(BANK_Z_JWT, "spiffe://bank-z/api-ms",
                        List.of("tollgate"), NOW.plusSeconds(300)),
                        "jwt_svid: no trust bundle for trust domain 'bank-z' (foreign trust domain)"),
                Arguments.of("no kid", TestJwtSvids.sign(BANK_A_JWT, new JWSHeader.Builder(JWSAlgorithm.ES256).build(),
                        claims(CALLER, List.of("tollgate"), NOW.plusSeconds(300))), "jwt_svid: token has no kid"),
                Arguments.of("not a JWT", "abc.def", "jwt_svid: token is not a JWT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badTokensAreDeniedWithTheirOwnReason(String name, String token, String detail) {
        assertIdentityInvalid(withToken(token), detail);
        assertIdentityInvalid(withToken(token), detail);
    }

    static void assertIdentityInvalid(CheckResponse r, String detail) {
        assertFalse(r.hasOkResponse(), r.toString());
        assertEquals("identity_invalid", r.getDynamicMetadata().getFieldsMap().get("reason").getStringValue(), r.toString());
        assertEquals(401, r.getDeniedResponse().getStatus().getCodeValue());
        assertTrue(r.getDeniedResponse().getBody().startsWith("identity_invalid: " + detail), r.getDeniedResponse().getBody());
    }

    static void assertVerifiedAllow(CheckResponse r) {
        assertTrue(r.hasOkResponse(), r.toString());
        var identity = r.getDynamicMetadata().getFieldsMap().get("identity").getStructValue().getFieldsMap();
        assertEquals(CALLER, identity.get("spiffe_id").getStringValue());
        assertTrue(identity.get("verified").getBoolValue());
        assertTrue(identity.get("federated").getBoolValue());
    }

    @Test
    void aValidX509SvidIsVerified() {
        String pem = leaf(BANK_A_CA, LeafSpec.svid(CALLER));
        assertVerifiedAllow(withCertificate(pem));
        assertVerifiedAllow(withCertificate(pem));
    }

    @Test
    void aValidJwtSvidIsVerifiedWithAnyConfiguredAudience() {
        assertVerifiedAllow(withToken(TestJwtSvids.token(BANK_A_JWT, CALLER, List.of("other", "spiffe://bank-b/trans-ms"),
                NOW.plusSeconds(300))));
        assertVerifiedAllow(withToken(TestJwtSvids.token(BANK_A_JWT, CALLER, List.of("tollgate"), NOW.plusSeconds(300))));
    }
}
