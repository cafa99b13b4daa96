package dev.tollgate.authz.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.testsupport.TestJwtSvids;
import dev.tollgate.authz.testsupport.TestSvids;
import dev.tollgate.authz.testsupport.TestSvids.LeafSpec;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trust bundle files: both formats, reload on change, the last good bundle kept, and require_verified. */
class TrustBundlesTest {
    @TempDir
    Path dir;

    private static AttributeContext certificate(String urlEncodedPem) {
        return AttributeContext.newBuilder().setSource(AttributeContext.Peer.newBuilder()
                .setCertificate(urlEncodedPem)).build();
    }

    private static AttributeContext principal(String id) {
        return AttributeContext.newBuilder().setSource(AttributeContext.Peer.newBuilder().setPrincipal(id)).build();
    }

    private static IdentityPolicy policy(Map<String, Path> bundles, boolean requireVerified) {
        return new IdentityPolicy(List.of(IdentitySource.PRINCIPAL, IdentitySource.CERTIFICATE), false, Set.of())
                .withTrustBundles(bundles, requireVerified);
    }

    @Test
    void aChangedFileIsTakenIntoServiceAndABrokenOneKeepsTheLastGood() throws Exception {
        TestSvids.Issued first = TestSvids.ca("bank-a");
        TestSvids.Issued second = TestSvids.ca("bank-a");
        Path file = TestSvids.write(dir.resolve("bank-a.pem"), first.pem());
        TrustBundles bundles = TrustBundles.load(Map.of("bank-a", file));
        IdentityResolver resolver = new IdentityResolver(policy(Map.of("bank-a", file), false), bundles,
                InstantSource.system());
        String fromFirst = TestSvids.leaf(first, LeafSpec.svid("spiffe://bank-a/api-ms")).urlEncodedPem();
        String fromSecond = TestSvids.leaf(second, LeafSpec.svid("spiffe://bank-a/api-ms")).urlEncodedPem();

        assertTrue(found(resolver.resolve(certificate(fromFirst), Optional.empty())).verified());
        assertInstanceOf(IdentityResult.Invalid.class, resolver.resolve(certificate(fromSecond), Optional.empty()));

        // a SPIFFE bundle document replaces the PEM bundle: the second CA now, and the first no more
        Files.writeString(file, TestJwtSvids.bundle(second));
        bundles.refresh();
        assertEquals(1, bundles.stats().reloads());
        assertTrue(found(resolver.resolve(certificate(fromSecond), Optional.empty())).verified());
        IdentityResult.Invalid refused = assertInstanceOf(IdentityResult.Invalid.class,
                resolver.resolve(certificate(fromFirst), Optional.empty()));
        assertTrue(refused.detail().contains("unknown authority"), refused.detail());

        Files.writeString(file, "{\"keys\": [{\"kty\": \"EC\", \"use\": \"sig\"}]}");
        bundles.refresh();
        assertEquals(1, bundles.stats().failures());
        assertTrue(bundles.stats().lastError().orElseThrow().startsWith("identity.trust_bundles.bank-a (" + file + ")"),
                bundles.stats().lastError().orElseThrow());
        assertTrue(found(resolver.resolve(certificate(fromSecond), Optional.empty())).verified(),
                "the last good bundle keeps serving");

        bundles.refresh(); // unchanged content is not parsed again, nor counted
        assertEquals(1, bundles.stats().reloads());
    }

    @Test
    void unreadableBundlesStopStartupNamingTheFile() throws Exception {
        Path missing = dir.resolve("nope.pem");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IdentityResolver(policy(Map.of("bank-a", missing), false)));
        assertEquals("identity.trust_bundles.bank-a (" + missing + "): cannot read (no such file)", e.getMessage());
        Path text = Files.writeString(dir.resolve("bank-a.pem"), "not a bundle");
        e = assertThrows(IllegalArgumentException.class, () -> new IdentityResolver(policy(Map.of("bank-a", text), false)));
        assertTrue(e.getMessage().endsWith("neither a PEM CA bundle (no BEGIN CERTIFICATE line) nor a SPIFFE bundle"
                + " (JWKS)"), e.getMessage());
        var key = TestJwtSvids.authority("k");
        Path badUse = Files.writeString(dir.resolve("bank-a.json"), "{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\","
                + " \"x\": \"" + key.getX() + "\", \"y\": \"" + key.getY() + "\", \"use\": \"enc\"}]}");
        e = assertThrows(IllegalArgumentException.class, () -> new IdentityResolver(policy(Map.of("bank-a", badUse), false)));
        assertTrue(e.getMessage().contains("keys[0]: use must be x509-svid or jwt-svid"), e.getMessage());
    }

    @Test
    void requireVerifiedRefusesWhatOnlyTheProxyVouchesFor() throws Exception {
        TestSvids.Issued ca = TestSvids.ca("bank-a");
        Path file = TestSvids.write(dir.resolve("bank-a.pem"), ca.pem());
        IdentityResolver resolver = new IdentityResolver(policy(Map.of("bank-a", file), true));
        IdentityResult.Invalid refused = assertInstanceOf(IdentityResult.Invalid.class,
                resolver.resolve(principal("spiffe://bank-a/api-ms"), Optional.empty()));
        assertEquals("principal: identity spiffe://bank-a/api-ms is not verified by Tollgate"
                + " (identity.require_verified)", refused.detail());
        String pem = TestSvids.leaf(ca, LeafSpec.svid("spiffe://bank-a/api-ms")).urlEncodedPem();
        assertTrue(found(resolver.resolve(certificate(pem), Optional.empty())).verified());
    }

    @Test
    void aKeptVerdictEndsWhenTheCertificateExpires() throws Exception {
        TestSvids.Issued ca = TestSvids.ca("bank-a");
        Path file = TestSvids.write(dir.resolve("bank-a.pem"), ca.pem());
        Instant now = Instant.now();
        AtomicReference<Instant> clock = new AtomicReference<>(now);
        IdentityResolver resolver = new IdentityResolver(policy(Map.of("bank-a", file), false),
                TrustBundles.load(Map.of("bank-a", file)), clock::get);
        String pem = TestSvids.leaf(ca, LeafSpec.svid("spiffe://bank-a/api-ms")
                .validity(now.minusSeconds(60), now.plusSeconds(60))).urlEncodedPem();
        assertTrue(found(resolver.resolve(certificate(pem), Optional.empty())).verified());
        clock.set(now.plusSeconds(120));
        IdentityResult.Invalid expired = assertInstanceOf(IdentityResult.Invalid.class,
                resolver.resolve(certificate(pem), Optional.empty()));
        assertTrue(expired.detail().startsWith("certificate: X.509-SVID expired at "), expired.detail());
    }

    @Test
    void withoutBundlesCertificatesAreTakenOnTheProxysWord() {
        TestSvids.Issued ca = TestSvids.ca("bank-a");
        IdentityResolver resolver = new IdentityResolver(policy(Map.of(), false));
        String pem = TestSvids.leaf(ca, LeafSpec.svid("spiffe://bank-a/api-ms")).urlEncodedPem();
        CallerIdentity id = found(resolver.resolve(certificate(pem), Optional.empty()));
        assertEquals("spiffe://bank-a/api-ms", id.id().spiffeId());
        assertEquals("api-ms", id.id().workload());
        assertEquals(false, id.verified());
    }

    private static CallerIdentity found(IdentityResult r) {
        return assertInstanceOf(IdentityResult.Found.class, r, r.toString()).identity();
    }
}
