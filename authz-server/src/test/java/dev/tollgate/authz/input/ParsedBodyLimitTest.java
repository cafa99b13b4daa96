package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        ObjectNode parsed = InputDocuments.build(post(atLimit), Optional.of(CALLER), "bank-a", options);
        assertEquals(new ObjectMapper().readTree(atLimit), parsed.get("parsed_body"));
        assertFalse(parsed.get("truncated_body").booleanValue());

        String overLimit = "{\"a\":1234567}";  // 13 bytes
        ObjectNode truncated = InputDocuments.build(post(overLimit), Optional.of(CALLER), "bank-a", options);
        assertTrue(truncated.get("parsed_body").isNull(), truncated.toString());
        assertTrue(truncated.get("truncated_body").booleanValue());
    }
}
