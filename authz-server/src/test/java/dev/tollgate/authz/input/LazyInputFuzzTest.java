package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.identity.SpiffeId;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random CheckRequests (odd headers, escapes, metadata, bodies): the lazy input document must equal
 * the eager document made from its own JSON text and, for {@code attributes}, what protojson prints;
 * every key looked up alone must give what the whole document holds. Fixed seed, so failures reproduce.
 */
class LazyInputFuzzTest {
    private static final String[] PIECES = {"a", "/", "%2F", "%zz", "%", "?", "&", "=", "+", "#", ";", "é", "%C3%A9",
        "\u0000", "\"", "\\", "x=1", "[", "{", "1e999999999", " ", ""};
    private static final String[] CONTENT_TYPES = {"application/json", "application/x-www-form-urlencoded",
        "text/plain", "application/json; charset=utf-8"};
    private static final String[] BODIES = {"{\"amount\": 10}", "{\"amount\": 1e999999999}", "[1, 2.50, -0.0]",
        "{\"a\": {\"b\": [null, true]}, \"a\": 2}", "", "   ", "{", "a=1&a=2&b=%20", "a=%zz", "x;y", "1e99999999999",
        "\"text\"", "{\"n\": 123456789012345678901234567890.000001}"};

    private static String junk(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(n); i > 0; i--) {
            b.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    private static CheckRequest request(Random r) {
        AttributeContext.HttpRequest.Builder http = Requests.http(r.nextBoolean() ? "GET" : "POST", "/" + junk(r, 8));
        for (int i = r.nextInt(6); i > 0; i--) {
            http.putHeaders("x-" + r.nextInt(4), junk(r, 4));
        }
        if (r.nextBoolean()) {
            http.putHeaders("content-type", CONTENT_TYPES[r.nextInt(CONTENT_TYPES.length)]);
        }
        String body = BODIES[r.nextInt(BODIES.length)];
        if (r.nextBoolean()) {
            http.setBody(body);
        } else {
            http.setRawBody(ByteString.copyFromUtf8(body));
        }
        if (r.nextInt(4) == 0) {
            http.putHeaders("content-length", r.nextBoolean() ? "1" : "100000");
        }
        if (r.nextInt(3) == 0) {
            http.setHeaderMap(HeaderMap.newBuilder().addHeaders(HeaderValue.newBuilder().setKey("k").setValue(junk(r, 3)))
                    .addHeaders(HeaderValue.newBuilder().setKey("raw").setRawValue(ByteString.copyFromUtf8(junk(r, 3)))));
        }
        CheckRequest.Builder c = Requests.check(r.nextBoolean() ? Requests.CALLER : null, Requests.BANK_A_WORKLOAD,
                r.nextInt(8) == 0 ? null : http).build().toBuilder();
        AttributeContext.Builder a = c.getAttributesBuilder();
        if (r.nextBoolean()) {
            a.putContextExtensions("tenant", junk(r, 3));
            a.getSourceBuilder().putLabels("app", junk(r, 2)).setService(junk(r, 2));
        }
        if (r.nextBoolean()) {
            Struct.Builder s = Struct.newBuilder()
                    .putFields("n", com.google.protobuf.Value.newBuilder().setNumberValue(r.nextDouble() * 1e6).build())
                    .putFields("s", com.google.protobuf.Value.newBuilder().setStringValue(junk(r, 3)).build())
                    .putFields("l", com.google.protobuf.Value.newBuilder().setListValue(ListValue.newBuilder()
                            .addValues(com.google.protobuf.Value.newBuilder().setBoolValue(true))
                            .addValues(com.google.protobuf.Value.newBuilder().setNumberValue(3))).build());
            a.setMetadataContext(Metadata.newBuilder().putFilterMetadata("envoy.filters.http.jwt_authn", s.build()));
        }
        return c.build();
    }

    @Test
    void lazyDocumentsEqualTheirEagerForm() throws Exception {
        Random r = new Random(7);
        CallerIdentity caller = new CallerIdentity(SpiffeId.parse(Requests.CALLER), IdentitySource.PRINCIPAL);
        int documents = 0;
        for (int i = 0; i < 3000; i++) {
            CheckRequest request = request(r);
            InputDocument doc;
            try {
                doc = InputDocuments.build(request, r.nextBoolean() ? Optional.of(caller) : Optional.empty(), "bank-a",
                        new InputOptions(true, 64));
            } catch (InvalidRequestException e) {
                continue; // a bad path or content-length: denied before any policy runs
            }
            documents++;
            String problem = doc.problem();
            Value eager = Json.parse(doc.value().toJson());
            // Fresh documents, read in different orders: lookups first, then the whole.
            ObjectValue byKeys = InputDocuments.build(request, Optional.of(caller), "bank-a", new InputOptions(true, 64)).value();
            ObjectValue whole = doc.value();
            for (Value key : ((ObjectValue) eager).sortedKeys()) {
                if (!key.equals(StringValue.of("identity"))) {
                    assertEquals(((ObjectValue) eager).get(key), byKeys.get(key), key.toString());
                }
            }
            assertEquals(eager, whole);
            assertEquals(whole, eager);
            assertEquals(eager.hashCode(), whole.hashCode());
            assertEquals(0, whole.compareTo(eager));
            assertEquals(problem, doc.problem());
            Value attributes = Json.parse(JsonFormat.printer().print(request.getAttributes()));
            assertEquals(attributes, InputDocuments.build(request, Optional.empty(), "t", InputOptions.DEFAULTS)
                    .value().get("attributes"), request.toString());
        }
        assertEquals(true, documents > 1000, "too few readable documents: " + documents);
    }
}
