package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.identity.SpiffeId;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code input.max_parsed_body_bytes}: longer bodies are not parsed and count as truncated. */
class ParsedBodyLimitTest {
    private static final CallerIdentity CALLER = new CallerIdentity(SpiffeId.parse(Requests.CALLER), IdentitySource.PRINCIPAL);

    private static CheckRequest post(String body) {
        return Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, Requests.http("POST", "/t")
                .putHeaders("content-type", "application/json").setBody(body)).build();
    }

    @Test
    void bodiesUpToTheConfiguredLimitAreParsedLongerOnesAreTruncated(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("t.yaml");
        Files.writeString(config, "input: {max_parsed_body_bytes: 12}\n");
        InputOptions options = ServerConfig.load(Optional.of(config)).input();
        assertEquals(12, options.maxParsedBodyBytes());

        String atLimit = "{\"a\":123456}";   // 12 bytes
        assertEquals(12, atLimit.length());
        ObjectValue parsed = InputDocuments.build(post(atLimit), Optional.of(CALLER), "bank-a", options).value();
        assertEquals(Json.parse(atLimit), parsed.get("parsed_body"));
        assertEquals(BooleanValue.FALSE, parsed.get("truncated_body"));

        String overLimit = "{\"a\":1234567}";  // 13 bytes
        ObjectValue truncated = InputDocuments.build(post(overLimit), Optional.of(CALLER), "bank-a", options).value();
        assertEquals(NullValue.INSTANCE, truncated.get("parsed_body"), truncated.toJson());
        assertEquals(BooleanValue.TRUE, truncated.get("truncated_body"));
    }
}
