package dev.tollgate.authz.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tollgate.authz.decision.Header;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure HTTP ↔ CheckRequest/CheckResponse mapping. */
class HttpCheckRequestsTest {
    static final HttpCheckRequests.Options TRUSTING = new HttpCheckRequests.Options(true, true);
    static final Instant NOW = Instant.parse("2026-12-06T09:00:00.5Z");

    static HttpRequestView view(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
        return new HttpRequestView(method, target, "HTTP/1.1", "http", headers, body,
                new InetSocketAddress("10.0.0.7", 45678), new InetSocketAddress("10.0.0.9", 9192), Optional.empty());
    }

    static CheckRequest mapped(HttpRequestView v, HttpCheckRequests.Options options) {
        return assertInstanceOf(HttpCheckRequests.Check.class, HttpCheckRequests.map(v, options, NOW)).request();
    }

    @ParameterizedTest(name = "{0} -> tenant {1}, path {2}")
    @CsvSource(nullValues = "-", value = {
            "/accounts/1?x=2,                 -,      /accounts/1?x=2",
            "/tenants/bank-a/accounts/1?x=2,  bank-a, /accounts/1?x=2",
            "/tenants/bank-a,                 bank-a, /",
            "/tenants/bank-a?x=1,             bank-a, /?x=1",
            "/tenants/bank-a/,                bank-a, /",
            "http://ledger:8080/tenants/b/p,  b,      /p",
            "http://ledger:8080,              -,      /",
            "/tenantsx/a,                     -,      /tenantsx/a",
    })
    void tenantPrefixIsStrippedBeforeThePolicySeesThePath(String target, String tenant, String path) {
        CheckRequest r = mapped(view("GET", target, List.of(), new byte[0]), TRUSTING);
        assertEquals(path, r.getAttributes().getRequest().getHttp().getPath());
        assertEquals(path, r.getAttributes().getRequest().getHttp().getHeadersMap().get(":path"));
        assertEquals(tenant, r.getAttributes().getContextExtensionsMap().get("tenant"));
    }

    @ParameterizedTest
    @CsvSource({"*, must be a path", "/tenants/, must name a tenant", "/tenants//x, must name a tenant"})
    void unusableTargetsAreRefusedWith400(String target, String says) {
        HttpCheckRequests.Refused r = assertInstanceOf(HttpCheckRequests.Refused.class,
                HttpCheckRequests.map(view("GET", target, List.of(), new byte[0]), TRUSTING, NOW));
        assertEquals(400, r.status());
        assertTrue(r.message().contains(says), r.message());
    }

    @Test
    void headersAreLowercasedJoinedAndHopByHopDropped() {
        AttributeContext.HttpRequest http = mapped(view("POST", "/p", List.of(
                Map.entry("Host", "ledger.bank-a.svc:8080"), Map.entry("X-Tag", "a"), Map.entry("x-tag", "b"),
                Map.entry("Connection", "keep-alive"), Map.entry("Transfer-Encoding", "chunked"),
                Map.entry("x-http2-stream-id", "3"), Map.entry("X-Forwarded-Proto", "https"),
                Map.entry("x-request-id", "r-1")), "{}".getBytes(StandardCharsets.UTF_8)), TRUSTING)
                .getAttributes().getRequest().getHttp();
        assertEquals(Map.of(":authority", "ledger.bank-a.svc:8080", ":method", "POST", ":path", "/p",
                "x-tag", "a,b", "x-forwarded-proto", "https", "x-request-id", "r-1"), http.getHeadersMap());
        assertEquals("ledger.bank-a.svc:8080", http.getHost());
        assertEquals("https", http.getScheme());
        assertEquals("r-1", http.getId());
        assertEquals("HTTP/1.1", http.getProtocol());
        assertEquals("{}", http.getBody());
        assertEquals(2, http.getSize());
    }

    @Test
    void bodiesThatAreNotUtf8TravelAsRawBody() {
        byte[] bytes = {(byte) 0xff, 0x00, (byte) 0xfe};
        AttributeContext.HttpRequest http = mapped(view("POST", "/p", List.of(), bytes), TRUSTING)
                .getAttributes().getRequest().getHttp();
        assertEquals("", http.getBody());
        assertEquals(ByteString.copyFrom(bytes), http.getRawBody());
    }

    @Test
    void trustedXfccNamesCallerAndDestinationAndAddressesAreTheConnections() {
        String xfcc = "By=spiffe://td/ns/a/sa/far;URI=spiffe://td/ns/x/sa/far,"
                + "By=spiffe://td/ns/bank-a/sa/ledger;Hash=ab;URI=spiffe://td/ns/bank-a/sa/teller";
        AttributeContext a = mapped(view("GET", "/p", List.of(Map.entry("X-Forwarded-Client-Cert", xfcc)), new byte[0]),
                TRUSTING).getAttributes();
        assertEquals("spiffe://td/ns/bank-a/sa/teller", a.getSource().getPrincipal());
        assertEquals("spiffe://td/ns/bank-a/sa/ledger", a.getDestination().getPrincipal());
        assertEquals("10.0.0.7", a.getSource().getAddress().getSocketAddress().getAddress());
        assertEquals(9192, a.getDestination().getAddress().getSocketAddress().getPortValue());
        assertEquals(NOW.getEpochSecond(), a.getRequest().getTime().getSeconds());
        // The header stays for policies that read it.
        assertEquals(xfcc, a.getRequest().getHttp().getHeadersMap().get("x-forwarded-client-cert"));
    }

    @Test
    void untrustedXfccNamesNobody() {
        AttributeContext a = mapped(view("GET", "/p", List.of(Map.entry("x-forwarded-client-cert",
                "By=spiffe://td/ns/bank-a/sa/ledger;URI=spiffe://td/ns/bank-a/sa/teller")), new byte[0]),
                new HttpCheckRequests.Options(false, true)).getAttributes();
        assertEquals("", a.getSource().getPrincipal());
        assertEquals("", a.getDestination().getPrincipal());
    }

    @Test
    void allowsBecome200WithUpstreamAndDownstreamHeaders() {
        CheckResponse allow = CheckResponse.newBuilder().setOkResponse(OkHttpResponse.newBuilder()
                .addHeaders(option("x-caller", "spiffe://td/ns/a/sa/b"))
                .addResponseHeadersToAdd(option("x-served-by", "tollgate"))
                .addHeadersToRemove("cookie").addHeadersToRemove("x-debug")
                .addHeaders(option("x-bad", "line\r\nbreak"))).build();
        HttpAnswer a = HttpCheckResponses.answer(allow);
        assertEquals(200, a.status());
        assertEquals(List.of(new Header("x-caller", "spiffe://td/ns/a/sa/b"), new Header("x-served-by", "tollgate"),
                new Header("x-envoy-auth-headers-to-remove", "cookie,x-debug")), a.headers());
        assertEquals(0, a.body().length);
    }

    @Test
    void deniesKeepStatusHeadersAndBody() {
        CheckResponse deny = CheckResponse.newBuilder()
                .setStatus(com.google.rpc.Status.newBuilder().setCode(7))
                .setDeniedResponse(DeniedHttpResponse.newBuilder()
                        .setStatus(HttpStatus.newBuilder().setCode(StatusCode.TooManyRequests))
                        .addHeaders(option("retry-after", "1")).setBody("slow down")).build();
        HttpAnswer a = HttpCheckResponses.answer(deny);
        assertEquals(429, a.status());
        assertEquals(List.of(new Header("retry-after", "1")), a.headers());
        assertEquals("slow down", new String(a.body(), StandardCharsets.UTF_8));
        CheckResponse bare = CheckResponse.newBuilder().setStatus(com.google.rpc.Status.newBuilder().setCode(7)).build();
        assertEquals(403, HttpCheckResponses.answer(bare).status());
    }

    private static HeaderValueOption option(String name, String value) {
        return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(name).setValue(value)).build();
    }
}
