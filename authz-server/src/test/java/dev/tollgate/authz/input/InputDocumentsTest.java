package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.identity.SpiffeId;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
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
    private static final CallerIdentity CALLER = new CallerIdentity(SpiffeId.parse(Requests.CALLER), IdentitySource.PRINCIPAL);

    private static ObjectValue build(CheckRequest r) {
        return document(r).value();
    }

    private static InputDocument document(CheckRequest r) {
        return InputDocuments.build(r, Optional.of(CALLER), "bank-a", InputOptions.DEFAULTS);
    }

    private static Value json(String text) {
        return Json.parse(text);
    }

    /** The value at a path of string keys, or null. */
    static Value at(Value v, String... keys) {
        for (String k : keys) {
            if (!(v instanceof ObjectValue o) || (v = o.get(k)) == null) {
                return null;
            }
        }
        return v;
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
                Struct.newBuilder().putFields("sub", com.google.protobuf.Value.newBuilder().setStringValue("alice").build())
                        .putFields("n", com.google.protobuf.Value.newBuilder().setNumberValue(2.5).build())
                        .putFields("ok", com.google.protobuf.Value.newBuilder().setBoolValue(true).build()).build()));
        a.setTlsSession(AttributeContext.TLSSession.newBuilder().setSni("ledger.bank-a"));
        CheckRequest request = r.build();

        Value expected = json(JsonFormat.printer().print(request.getAttributes()));
        assertEquals(expected, build(request).get("attributes"));
        assertEquals(expected.toJson(), build(request).get("attributes").toJson());
    }

    @Test
    void opaEnvoyFieldsAndIdentity() throws Exception {
        ObjectValue input = build(Requests.get("/accounts//42/?limit=10&limit=20&q=a+b%21&flag&bad=%zz#top"));
        assertEquals(json("[\"accounts\",\"\",\"42\",\"\"]"), input.get("parsed_path"));
        assertEquals(json("{\"limit\":[\"10\",\"20\"],\"q\":[\"a b!\"],\"flag\":[\"\"]}"), input.get("parsed_query"));
        assertEquals(json("{\"ext_authz\":\"v3\",\"encoding\":\"protojson\"}"), input.get("version"));
        assertEquals(NullValue.INSTANCE, input.get("parsed_body"));
        assertEquals(BooleanValue.FALSE, input.get("truncated_body"));
        assertEquals(StringValue.of("bank-a"), input.get("tenant"));
        assertEquals(json("""
                {"spiffe_id":"spiffe://cluster.local/ns/bank-a/sa/teller","trust_domain":"cluster.local",
                 "path":"/ns/bank-a/sa/teller","namespace":"bank-a","service_account":"teller","workload":"teller",
                 "source":"principal","verified":false}"""),
                input.get("identity"));
        assertEquals(StringValue.of("GET"), at(input, "attributes", "request", "http", "method"));
        assertEquals(StringValue.of("2025-11-24T16:00:00.123Z"), at(input, "attributes", "request", "time"));
        assertEquals(Value.of(45678), at(input, "attributes", "source", "address", "socketAddress", "portValue"));
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
        assertEquals(json(expected), build(Requests.get(path)).get("parsed_path"));
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
        ObjectValue input = build(post("application/json; charset=utf-8", "{\"amount\":10,\"to\":\"b\"}", "22"));
        assertEquals(json("{\"amount\":10,\"to\":\"b\"}"), input.get("parsed_body"));
        assertEquals(BooleanValue.FALSE, input.get("truncated_body"));
    }

    @Test
    void rawBodyIsParsedWhenBodyIsEmpty() throws Exception {
        AttributeContext.HttpRequest.Builder http = Requests.http("POST", "/t").putHeaders("content-type", "application/json")
                .setRawBody(ByteString.copyFromUtf8("[1,2]"));
        ObjectValue input = build(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, http).build());
        assertEquals(json("[1,2]"), input.get("parsed_body"));
    }

    @Test
    void truncatedBodyIsNotParsed() {
        ObjectValue input = build(post("application/json", "{\"amount\":1", "1000"));
        assertEquals(NullValue.INSTANCE, input.get("parsed_body"));
        assertEquals(BooleanValue.TRUE, input.get("truncated_body"));
    }

    @Test
    void formBody() throws Exception {
        ObjectValue input = build(post("application/x-www-form-urlencoded", "a=1&a=2&b=x+y%21", null));
        assertEquals(json("{\"a\":[\"1\",\"2\"],\"b\":[\"x y!\"]}"), input.get("parsed_body"));
    }

    @Test
    void otherContentTypesAreNotParsed() {
        assertEquals(NullValue.INSTANCE, build(post("text/plain", "hello", null)).get("parsed_body"));
    }

    @Test
    void badBodiesAreInvalidRequests() {
        // Read or not, an unparsable body is reported by problem(): the check is then an invalid request.
        InputDocument unread = document(post("application/json", "{\"a\": 1,", null));
        assertEquals("request body is not valid JSON (line 1, column 9: unexpected end of input)", unread.problem());
        InputDocument read = document(post("application/json", "{\"a\": 1,", null));
        assertEquals(NullValue.INSTANCE, read.value().get("parsed_body"));
        assertEquals("request body is not valid JSON (line 1, column 9: unexpected end of input)", read.problem());
        assertEquals("form body has an invalid percent-encoding",
                document(post("application/x-www-form-urlencoded", "a=%zz", null)).problem());
        assertEquals("content-length header is not a number",
                assertThrows(InvalidRequestException.class, () -> build(post("application/json", "{}", "ten"))).getMessage());
    }

    @Test
    void bodyParsingCanBeDisabled() {
        ObjectValue input = InputDocuments.build(post("application/json", "{}", null), Optional.empty(), "t",
                new InputOptions(false, 100)).value();
        assertFalse(input.containsKey(StringValue.of("parsed_body")));
        assertFalse(input.containsKey(StringValue.of("truncated_body")));
        assertFalse(input.containsKey(StringValue.of("identity")));
    }

    @Test
    void tcpChecksHaveNoHttpFields() {
        ObjectValue input = build(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, null).build());
        assertFalse(input.containsKey(StringValue.of("parsed_path")));
        assertEquals(null, at(input, "attributes", "request", "http"));
        assertTrue(input.containsKey(StringValue.of("identity")));
    }
}
