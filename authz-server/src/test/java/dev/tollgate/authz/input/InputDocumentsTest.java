package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.identity.SpiffeId;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class InputDocumentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CallerIdentity CALLER = new CallerIdentity(SpiffeId.parse(Requests.CALLER), IdentitySource.PRINCIPAL);

    private static ObjectNode build(CheckRequest r) {
        return InputDocuments.build(r, Optional.of(CALLER), "bank-a", InputOptions.DEFAULTS);
    }

    /** The hand-written mapping must equal what protojson prints (OPA-Envoy's encoding). */
    @Test
    void attributesEqualProtojsonOutput() throws Exception {
        CheckRequest.Builder r = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                        Requests.http("POST", "/accounts/42?x=1").setBody("{\"a\":1}").setSize(7)
                                .setRawBody(ByteString.copyFromUtf8("raw")).setFragment("f").setQuery("x=1")
                                .setHeaderMap(HeaderMap.newBuilder().addHeaders(HeaderValue.newBuilder().setKey("k")
                                        .setRawValue(ByteString.copyFromUtf8("v")))))
                .build().toBuilder();
        AttributeContext.Builder a = r.getAttributesBuilder();
        a.putContextExtensions("tenant", "bank-a");
        a.getSourceBuilder().putLabels("app", "teller").setService("teller").setCertificate("pem")
                .getAddressBuilder().getSocketAddressBuilder().setProtocol(SocketAddress.Protocol.UDP).setIpv4Compat(true);
        a.setMetadataContext(Metadata.newBuilder().putFilterMetadata("envoy.filters.http.jwt_authn",
                Struct.newBuilder().putFields("sub", Value.newBuilder().setStringValue("alice").build())
                        .putFields("n", Value.newBuilder().setNumberValue(2.5).build())
                        .putFields("ok", Value.newBuilder().setBoolValue(true).build()).build()));
        a.setTlsSession(AttributeContext.TLSSession.newBuilder().setSni("ledger.bank-a"));
        CheckRequest request = r.build();

        JsonNode expected = JSON.readTree(JsonFormat.printer().print(request.getAttributes()));
        assertEquals(expected, build(request).get("attributes"));
    }

    @Test
    void opaEnvoyFieldsAndIdentity() throws Exception {
        ObjectNode input = build(Requests.get("/accounts//42/?limit=10&limit=20&q=a+b%21&flag&bad=%zz#top"));
        assertEquals(JSON.readTree("[\"accounts\",\"\",\"42\",\"\"]"), input.get("parsed_path"));
        assertEquals(JSON.readTree("{\"limit\":[\"10\",\"20\"],\"q\":[\"a b!\"],\"flag\":[\"\"]}"), input.get("parsed_query"));
        assertEquals(JSON.readTree("{\"ext_authz\":\"v3\",\"encoding\":\"protojson\"}"), input.get("version"));
        assertTrue(input.get("parsed_body").isNull());
        assertFalse(input.get("truncated_body").booleanValue());
        assertEquals("bank-a", input.get("tenant").textValue());
        assertEquals(JSON.readTree("""
                {"spiffe_id":"spiffe://cluster.local/ns/bank-a/sa/teller","trust_domain":"cluster.local",
                 "path":"/ns/bank-a/sa/teller","namespace":"bank-a","service_account":"teller","workload":"teller",
                 "source":"principal","verified":false}"""),
                input.get("identity"));
        assertEquals("GET", input.at("/attributes/request/http/method").textValue());
        assertEquals("2025-11-24T16:00:00.123Z", input.at("/attributes/request/time").textValue());
        assertEquals(45678, input.at("/attributes/source/address/socketAddress/portValue").intValue());
    }

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("/", "[\"\"]"),
                Arguments.of("", "[\"\"]"),
                Arguments.of("///a", "[\"a\"]"),
                // Like Go's url.Parse, the path is decoded before it is split.
                Arguments.of("/a%2Fb/c%20d", "[\"a\",\"b\",\"c d\"]"),
                Arguments.of("/a+b", "[\"a+b\"]"),
                Arguments.of("/caf%C3%A9?x", "[\"café\"]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void parsedPath(String path, String expected) throws Exception {
        assertEquals(JSON.readTree(expected), build(Requests.get(path)).get("parsed_path"));
    }

    @Test
    void badPathEncodingIsAnInvalidRequest() {
        assertEquals("request path has an invalid percent-encoding",
                assertThrows(InvalidRequestException.class, () -> build(Requests.get("/a%zz"))).getMessage());
        assertEquals("request path contains a control character at index 2",
                assertThrows(InvalidRequestException.class, () -> build(Requests.get("/a\nb"))).getMessage());
    }

    private static CheckRequest post(String contentType, String body, String contentLength) {
        AttributeContext.HttpRequest.Builder http = Requests.http("POST", "/transfer").putHeaders("content-type", contentType);
        if (contentLength != null) {
            http.putHeaders("content-length", contentLength);
        }
        http.setBody(body);
        return Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, http).build();
    }

    @Test
    void jsonBody() throws Exception {
        ObjectNode input = build(post("application/json; charset=utf-8", "{\"amount\":10,\"to\":\"b\"}", "22"));
        assertEquals(JSON.readTree("{\"amount\":10,\"to\":\"b\"}"), input.get("parsed_body"));
        assertFalse(input.get("truncated_body").booleanValue());
    }

    @Test
    void rawBodyIsParsedWhenBodyIsEmpty() throws Exception {
        AttributeContext.HttpRequest.Builder http = Requests.http("POST", "/t").putHeaders("content-type", "application/json")
                .setRawBody(ByteString.copyFromUtf8("[1,2]"));
        ObjectNode input = build(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, http).build());
        assertEquals(JSON.readTree("[1,2]"), input.get("parsed_body"));
    }

    @Test
    void truncatedBodyIsNotParsed() {
        ObjectNode input = build(post("application/json", "{\"amount\":1", "1000"));
        assertTrue(input.get("parsed_body").isNull());
        assertTrue(input.get("truncated_body").booleanValue());
    }

    @Test
    void formBody() throws Exception {
        ObjectNode input = build(post("application/x-www-form-urlencoded", "a=1&a=2&b=x+y%21", null));
        assertEquals(JSON.readTree("{\"a\":[\"1\",\"2\"],\"b\":[\"x y!\"]}"), input.get("parsed_body"));
    }

    @Test
    void otherContentTypesAreNotParsed() {
        assertTrue(build(post("text/plain", "hello", null)).get("parsed_body").isNull());
    }

    @Test
    void badBodiesAreInvalidRequests() {
        assertEquals("request body is not valid JSON (line 1, column 9)",
                assertThrows(InvalidRequestException.class, () -> build(post("application/json", "{\"a\": 1,", null))).getMessage());
        assertEquals("content-length header is not a number",
                assertThrows(InvalidRequestException.class, () -> build(post("application/json", "{}", "ten"))).getMessage());
    }

    @Test
    void bodyParsingCanBeDisabled() {
        ObjectNode input = InputDocuments.build(post("application/json", "{}", null), Optional.empty(), "t",
                new InputOptions(false, 100));
        assertFalse(input.has("parsed_body"));
        assertFalse(input.has("truncated_body"));
        assertFalse(input.has("identity"));
    }

    @Test
    void tcpChecksHaveNoHttpFields() {
        ObjectNode input = build(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, null).build());
        assertFalse(input.has("parsed_path"));
        assertFalse(input.at("/attributes/request").has("http"));
        assertTrue(input.has("identity"));
    }
}
