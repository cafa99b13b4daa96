package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile request bodies, paths and metadata through a real jrego policy over the lazy input: each
 * gets the decision and reason it got when the whole input was built up front, whether or not the
 * policy reads the hostile part, and never an internal error.
 */
class HostileInputTest {
    private static final String POLICY = """
            package envoy.authz

            default allow := false

            # Never reads the body.
            allow if input.parsed_path == ["plain"]

            allow if {
                input.attributes.request.http.method == "POST"
                input.parsed_path == ["api", "v1", "transfers"]
                input.parsed_body.amount < 1000
            }

            allow if {
                input.parsed_path == ["meta"]
                is_string(input.attributes.metadataContext.filterMetadata.jwt.n)
            }
            """;

    @TempDir
    static Path dir;
    static Tollgate tollgate;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir.resolve("bank-a"));
        Files.writeString(dir.resolve("bank-a/policy.rego"), POLICY);
        tollgate = new Tollgate(ServerConfig.defaults().withPoliciesDir(dir), Engines.of(new RegoEngine()), List.of());
        tollgate.loadTenants();
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    static CheckRequest post(String path, String contentType, String body) {
        return Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, Requests.http("POST", path)
                .putHeaders("content-type", contentType).setRawBody(ByteString.copyFromUtf8(body))).build();
    }

    static Stream<Arguments> table() {
        String transfer = "/api/v1/transfers";
        return Stream.of(
                // Numbers keep their exact value, however large, as in OPA.
                Arguments.of("huge exponent", post(transfer, "application/json", "{\"amount\": 1e999999999}"),
                        "policy_denied", ""),
                Arguments.of("huge negative", post(transfer, "application/json", "{\"amount\": -1e999999999}"),
                        "allowed", ""),
                Arguments.of("tiny", post(transfer, "application/json", "{\"amount\": 1e-999999999}"), "allowed", ""),
                Arguments.of("exact decimal", post(transfer, "application/json",
                        "{\"amount\": 999.99999999999999999999999}"), "allowed", ""),
                Arguments.of("just over", post(transfer, "application/json",
                        "{\"amount\": 1000.0000000000000000000001}"), "policy_denied", ""),
                // What no decimal holds, or past the parser's limits: a clear invalid request.
                Arguments.of("exponent past any decimal", post(transfer, "application/json",
                        "{\"amount\": 1e99999999999}"), "invalid_request", "number out of range (1e99999999999; line 1, column 12)"),
                Arguments.of("2000 digits", post(transfer, "application/json", "{\"amount\": " + "9".repeat(2000) + "}"),
                        "invalid_request", "over a JSON parsing limit"),
                Arguments.of("deep nesting", post(transfer, "application/json", "[".repeat(5000) + "]".repeat(5000)),
                        "invalid_request", "over a JSON parsing limit"),
                Arguments.of("truncated JSON, read", post(transfer, "application/json", "{\"amount\":"),
                        "invalid_request", "not valid JSON"),
                // The body is checked even when the policy never reads it: the same deny as before.
                Arguments.of("truncated JSON, not read", post("/plain", "application/json", "{\"amount\":"),
                        "invalid_request", "not valid JSON (line 1, column 11: unexpected end of input)"),
                Arguments.of("huge exponent, not read", post("/plain", "application/json", "{\"a\": 1e99999999999}"),
                        "invalid_request", "number out of range"),
                Arguments.of("bad form, not read", post("/plain", "application/x-www-form-urlencoded", "a=%zz"),
                        "invalid_request", "form body has an invalid percent-encoding"),
                Arguments.of("valid body, not read", post("/plain", "application/json", "{\"a\": 1e999999999}"),
                        "allowed", ""),
                Arguments.of("bad content-length", Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD,
                        Requests.http("POST", "/plain").putHeaders("content-type", "application/json")
                                .putHeaders("content-length", "ten").setBody("{}")).build(),
                        "invalid_request", "content-length header is not a number"),
                Arguments.of("bad escape", Requests.get("/plain%zz"), "invalid_request", "invalid percent-encoding"),
                Arguments.of("fullwidth digit escape", Requests.get("/plain%\uFF11\uFF11"), "invalid_request",
                        "invalid percent-encoding"),
                Arguments.of("control character", Requests.get("/pl\u0001ain"), "invalid_request", "control character"),
                // protojson prints non-finite doubles as strings; so does the input.
                Arguments.of("NaN in metadata", withMetadata(Double.NaN), "allowed", ""),
                Arguments.of("infinity in metadata", withMetadata(Double.POSITIVE_INFINITY), "allowed", ""));
    }

    static CheckRequest withMetadata(double n) {
        CheckRequest.Builder b = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, Requests.http("GET", "/meta"))
                .build().toBuilder();
        AttributeContext.Builder a = b.getAttributesBuilder();
        a.setMetadataContext(Metadata.newBuilder().putFilterMetadata("jwt", Struct.newBuilder()
                .putFields("n", com.google.protobuf.Value.newBuilder().setNumberValue(n).build()).build()));
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void hostileInput(String name, CheckRequest request, String reason, String detail) {
        CheckResponse r = tollgate.pipeline().check(request, Optional.empty());
        assertEquals(reason, r.getDynamicMetadata().getFieldsMap().get("reason").getStringValue(), name);
        if (!detail.isEmpty()) {
            String body = r.getDeniedResponse().getBody();
            assertTrue(body.startsWith(reason + ": ") && body.contains(detail), body);
        }
    }
}
