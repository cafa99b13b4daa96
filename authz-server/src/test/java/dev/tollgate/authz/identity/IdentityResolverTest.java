package dev.tollgate.authz.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tollgate.authz.testsupport.TestPki;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentityResolverTest {
    private static final List<IdentitySource> ALL = List.of(IdentitySource.PRINCIPAL, IdentitySource.CERTIFICATE,
            IdentitySource.XFCC, IdentitySource.PEER_CERTIFICATE);
    private static final String XFCC = "By=spiffe://cluster.local/ns/bank-a/sa/ledger;Hash=1;URI=spiffe://cluster.local/ns/evil/sa/x,"
            + "By=spiffe://cluster.local/ns/bank-a/sa/ledger;Hash=2;URI=spiffe://cluster.local/ns/bank-b/sa/clerk";

    private static IdentityResolver resolver(boolean trustXfcc, Set<String> domains) {
        return new IdentityResolver(new IdentityPolicy(ALL, trustXfcc, domains));
    }

    private static AttributeContext withPrincipal(String p) {
        return AttributeContext.newBuilder().setSource(AttributeContext.Peer.newBuilder().setPrincipal(p)).build();
    }

    private static AttributeContext withXfcc(String header) {
        return AttributeContext.newBuilder().setRequest(AttributeContext.Request.newBuilder()
                .setHttp(AttributeContext.HttpRequest.newBuilder().putHeaders("x-forwarded-client-cert", header))).build();
    }

    private static CallerIdentity found(IdentityResult r) {
        return assertInstanceOf(IdentityResult.Found.class, r).identity();
    }

    @Test
    void principal() {
        CallerIdentity id = found(resolver(false, Set.of()).resolve(withPrincipal(TestPki.CLIENT_ID), Optional.empty()));
        assertEquals(IdentitySource.PRINCIPAL, id.source());
        assertEquals(Optional.of("bank-a"), id.id().namespace());
    }

    @Test
    void certificateUrlEncodedPem() {
        AttributeContext a = AttributeContext.newBuilder().setSource(AttributeContext.Peer.newBuilder()
                .setCertificate(TestPki.urlEncodedPem(TestPki.get().clientCert))).build();
        CallerIdentity id = found(resolver(false, Set.of()).resolve(a, Optional.empty()));
        assertEquals(IdentitySource.CERTIFICATE, id.source());
        assertEquals(TestPki.CLIENT_ID, id.id().spiffeId());
    }

    @Test
    void brokenPemIsInvalidNotAnException() {
        AttributeContext a = AttributeContext.newBuilder().setSource(AttributeContext.Peer.newBuilder()
                .setCertificate("-----BEGIN%20CERTIFICATE-----%0Anot-base64%0A-----END%20CERTIFICATE-----")).build();
        IdentityResult.Invalid r = assertInstanceOf(IdentityResult.Invalid.class,
                resolver(false, Set.of()).resolve(a, Optional.empty()));
        assertEquals("certificate: certificate PEM does not parse as X.509", r.detail());
        AttributeContext notPem = AttributeContext.newBuilder().setSource(AttributeContext.Peer.newBuilder()
                .setCertificate("hello")).build();
        assertEquals("certificate: certificate is not PEM (no BEGIN CERTIFICATE line)",
                assertInstanceOf(IdentityResult.Invalid.class, resolver(false, Set.of()).resolve(notPem, Optional.empty())).detail());
    }

    @Test
    void certificateWithTwoUriSansIsInvalid() {
        AttributeContext a = AttributeContext.newBuilder().setSource(AttributeContext.Peer.newBuilder()
                .setCertificate(TestPki.urlEncodedPem(TestPki.get().twoUriCert))).build();
        assertEquals("certificate: certificate has 2 URI subject alternative names, expected one",
                assertInstanceOf(IdentityResult.Invalid.class, resolver(false, Set.of()).resolve(a, Optional.empty())).detail());
    }

    @Test
    void xfccTrustedTakesTheLastElement() {
        CallerIdentity id = found(resolver(true, Set.of()).resolve(withXfcc(XFCC), Optional.empty()));
        assertEquals(IdentitySource.XFCC, id.source());
        assertEquals("spiffe://cluster.local/ns/bank-b/sa/clerk", id.id().spiffeId());
    }

    @Test
    void xfccFromRawHeaderMap() {
        AttributeContext a = AttributeContext.newBuilder().setRequest(AttributeContext.Request.newBuilder()
                .setHttp(AttributeContext.HttpRequest.newBuilder().setHeaderMap(HeaderMap.newBuilder()
                        .addHeaders(HeaderValue.newBuilder().setKey("x-forwarded-client-cert")
                                .setRawValue(com.google.protobuf.ByteString.copyFromUtf8("URI=" + TestPki.CLIENT_ID)))))).build();
        assertEquals(TestPki.CLIENT_ID, found(resolver(true, Set.of()).resolve(a, Optional.empty())).id().spiffeId());
    }

    @Test
    void xfccUntrustedIsIgnoredAndSaysSo() {
        IdentityResult.Missing m = assertInstanceOf(IdentityResult.Missing.class,
                resolver(false, Set.of()).resolve(withXfcc(XFCC), Optional.empty()));
        assertEquals("no caller identity (x-forwarded-client-cert is present but not trusted)", m.detail());
    }

    @Test
    void malformedXfccIsInvalid() {
        IdentityResult.Invalid r = assertInstanceOf(IdentityResult.Invalid.class,
                resolver(true, Set.of()).resolve(withXfcc("URI=\"spiffe://x"), Optional.empty()));
        assertEquals(IdentitySource.XFCC, r.source());
        assertEquals("xfcc: last x-forwarded-client-cert element has no URI",
                assertInstanceOf(IdentityResult.Invalid.class,
                        resolver(true, Set.of()).resolve(withXfcc("By=a;Hash=b"), Optional.empty())).detail());
    }

    @Test
    void peerCertificate() {
        CallerIdentity id = found(resolver(false, Set.of()).resolve(AttributeContext.getDefaultInstance(),
                Optional.of(TestPki.read(TestPki.get().clientCert))));
        assertEquals(IdentitySource.PEER_CERTIFICATE, id.source());
        assertEquals(TestPki.CLIENT_ID, id.id().spiffeId());
    }

    @Test
    void sourceOrderIsConfigurable() {
        AttributeContext both = withPrincipal("spiffe://cluster.local/ns/x/sa/principal").toBuilder()
                .mergeFrom(withXfcc("URI=spiffe://cluster.local/ns/y/sa/xfcc")).build();
        IdentityResolver xfccFirst = new IdentityResolver(new IdentityPolicy(
                List.of(IdentitySource.XFCC, IdentitySource.PRINCIPAL), true, Set.of()));
        assertEquals("spiffe://cluster.local/ns/y/sa/xfcc", found(xfccFirst.resolve(both, Optional.empty())).id().spiffeId());
        assertEquals("spiffe://cluster.local/ns/x/sa/principal",
                found(resolver(true, Set.of()).resolve(both, Optional.empty())).id().spiffeId());
    }

    @Test
    void invalidPrincipalDoesNotFallThroughToWeakerSources() {
        AttributeContext a = withPrincipal("CN=teller,O=bank").toBuilder().mergeFrom(withXfcc("URI=" + TestPki.CLIENT_ID)).build();
        IdentityResult.Invalid r = assertInstanceOf(IdentityResult.Invalid.class, resolver(true, Set.of()).resolve(a, Optional.empty()));
        assertEquals("principal: scheme is missing or not 'spiffe://'", r.detail());
    }

    @Test
    void trustDomainAllowList() {
        IdentityResolver r = resolver(false, Set.of("bank.example"));
        assertEquals("principal: trust domain 'cluster.local' is not allowed",
                assertInstanceOf(IdentityResult.Invalid.class, r.resolve(withPrincipal(TestPki.CLIENT_ID), Optional.empty())).detail());
        found(r.resolve(withPrincipal("spiffe://bank.example/ns/a/sa/b"), Optional.empty()));
    }

    @Test
    void nothingIsMissing() {
        assertEquals("no caller identity", assertInstanceOf(IdentityResult.Missing.class,
                resolver(true, Set.of()).resolve(AttributeContext.getDefaultInstance(), Optional.empty())).detail());
    }
}
