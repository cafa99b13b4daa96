package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.identity.SpiffeId;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.EnvoyInternalAddress;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped input schema describes what {@link InputDocuments} builds: every document of a table
 * of requests (each field the mapping can emit) validates against it with jrego's
 * {@code json.match_schema}, and fields outside a protobuf message do not.
 */
class InputSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CompiledPolicy VALIDATOR = Rego.compiler()
            .module("v.rego", "package v\n\nresult := json.match_schema(input, data.schema)\n")
            .data(ObjectValue.builder().put("schema", InputSchema.json()).build())
            .compile();

    private static ArrayValue validate(JsonNode input) {
        return (ArrayValue) VALIDATOR.evaluateRule("data.v.result", Json.fromJackson(input));
    }

    static Stream<Arguments> requests() {
        CheckRequest.Builder rich = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                Requests.http("POST", "/accounts/42?x=1&x=2").setBody("{\"a\":[1,2]}").setSize(11).setId("r1")
                        .setHost("bank-a").setScheme("https").setProtocol("HTTP/2").setFragment("f").setQuery("x=1")
                        .putHeaders("content-type", "application/json")
                        .setRawBody(ByteString.copyFromUtf8("raw"))
                        .setHeaderMap(HeaderMap.newBuilder().addHeaders(HeaderValue.newBuilder().setKey("k").setValue("v")
                                .setRawValue(ByteString.copyFromUtf8("v"))))).build().toBuilder();
        AttributeContext.Builder a = rich.getAttributesBuilder();
        a.getRequestBuilder().setTime(Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5_000_000));
        a.putContextExtensions("tenant", "bank-a");
        a.getSourceBuilder().putLabels("app", "teller").setService("teller").setCertificate("pem")
                .getAddressBuilder().getSocketAddressBuilder().setProtocol(SocketAddress.Protocol.UDP).setIpv4Compat(true)
                .setResolverName("r").setNamedPort("http");
        a.getDestinationBuilder().setAddress(Address.newBuilder().setPipe(Pipe.newBuilder().setPath("/sock").setMode(384)));
        Metadata metadata = Metadata.newBuilder()
                .putFilterMetadata("envoy.filters.http.jwt_authn", Struct.newBuilder()
                        .putFields("sub", Value.newBuilder().setStringValue("alice").build())
                        .putFields("n", Value.newBuilder().setNumberValue(2.5).build()).build())
                .putTypedFilterMetadata("x", Any.newBuilder().setTypeUrl("type.googleapis.com/x").setValue(ByteString.copyFromUtf8("b")).build())
                .build();
        a.setMetadataContext(metadata).setRouteMetadataContext(metadata);
        a.setTlsSession(AttributeContext.TLSSession.newBuilder().setSni("ledger.bank-a"));

        CheckRequest.Builder internal = Requests.get("/").toBuilder();
        internal.getAttributesBuilder().getSourceBuilder().setAddress(Address.newBuilder().setEnvoyInternalAddress(
                EnvoyInternalAddress.newBuilder().setServerListenerName("l").setEndpointId("e")));

        CheckRequest.Builder tcp = Requests.get("/").toBuilder();
        tcp.getAttributesBuilder().getRequestBuilder().clearHttp();

        CheckRequest.Builder form = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                Requests.http("POST", "/f").setBody("a=1&a=2").putHeaders("content-type", "application/x-www-form-urlencoded"))
                .build().toBuilder();
        return Stream.of(
                Arguments.of("every field", rich.build(), true),
                Arguments.of("internal address", internal.build(), true),
                Arguments.of("tcp check", tcp.build(), true),
                Arguments.of("form body", form.build(), true),
                Arguments.of("anonymous caller", Requests.get("/x?y"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void documentsMatchTheSchema(String name, CheckRequest request, boolean withIdentity) {
        CallerIdentity caller = new CallerIdentity(SpiffeId.parse(Requests.CALLER), IdentitySource.XFCC);
        JsonNode input = dev.tollgate.rego.value.Json.toJackson(InputDocuments.build(request,
                withIdentity ? Optional.of(caller) : Optional.empty(), "bank-a", InputOptions.DEFAULTS).value());
        ArrayValue result = validate(input);
        assertEquals(BooleanValue.TRUE, result.get(0), () -> name + ": " + result.get(1) + "\n" + input);
    }

    @Test
    void closedMessagesRejectOtherFields() throws Exception {
        for (String doc : new String[] {
            "{\"attributes\": {\"request\": {\"http\": {\"methd\": \"GET\"}}}}",
            "{\"identity\": {\"spiffe_id\": \"x\", \"sa\": \"y\"}}",
            "{\"identity\": {\"source\": \"header\"}}",
            "{\"attributes\": {\"source\": {\"address\": {\"socketAddress\": {\"port\": 1}}}}}",
            "{\"tenant\": \"t\", \"tenants\": []}"}) {
            assertEquals(BooleanValue.FALSE, validate(JSON.readTree(doc)).get(0), doc);
        }
        assertEquals(BooleanValue.TRUE, validate(JSON.readTree(
                "{\"attributes\": {\"request\": {\"http\": {\"headers\": {\"x-any\": \"v\"}}}, \"contextExtensions\": {\"k\": \"v\"}},"
                        + " \"parsed_body\": [1, {\"deep\": null}], \"identity\": {\"source\": \"jwt_svid\", \"verified\": true,"
                        + " \"federated\": false, \"workload\": \"w\"}}")).get(0));
    }

    @Test
    void schemaIsTheTypeCheckersInput() {
        assertTrue(InputSchema.schemas().input() == InputSchema.json());
        assertEquals(InputSchema.json(), InputSchema.schemas().named().get("input"));
    }
}
