package dev.tollgate.authz.engine.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.authz.engine.EvalSettings;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicySource;
import dev.tollgate.authz.tenant.TenantSettings;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tenants' Rego is type checked against Tollgate's input schema when it loads, unless switched off. */
class InputSchemaCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LoadResult load(String rego, boolean check) {
        return new RegoEngine().load(new PolicySource("t", "policies/t", "envoy/authz/allow",
                List.of(new PolicySource.Module("t/authz.rego", rego, false)), Optional.empty(),
                JSON.createObjectNode(), EvalSettings.DEFAULTS, check));
    }

    static Stream<Arguments> policies() {
        return Stream.of(
                Arguments.of("allow if input.attributes.request.http.method == \"GET\"", null),
                Arguments.of("allow if input.attributes.request.http.methd == \"GET\"",
                        "t/authz.rego:3:10: rego_type_error: undefined ref: input.attributes.request.http.methd"),
                Arguments.of("allow if input.attributes.request.http.headers[\"x-anything\"] == \"1\"", null),
                Arguments.of("allow if input.attributes.contextExtensions.tenant == \"t\"", null),
                Arguments.of("allow if input.parsed_body.any.depth[0] == 1", null),
                Arguments.of("allow if input.identity.namespace == input.tenant", null),
                Arguments.of("allow if input.identity.source == \"jwt_svid\"", null),
                Arguments.of("allow if input.identity.verified", null),
                Arguments.of("allow if input.identity.sa == \"x\"",
                        "t/authz.rego:3:10: rego_type_error: undefined ref: input.identity.sa"),
                Arguments.of("allow if input.parsed_path[0] == \"v1\"", null),
                Arguments.of("allow if count(input.parsed_query.limit) > upper(input.tenant)", null),
                Arguments.of("allow if startswith(input.truncated_body, \"x\")",
                        "t/authz.rego:3:10: rego_type_error: startswith: invalid argument(s): have (boolean, string)"),
                Arguments.of("allow if input.attributes.source.address.socketAddress.portValue > \"1\"", null),
                Arguments.of("allow if lower(input.attributes.source.address.socketAddress.portValue)",
                        "t/authz.rego:3:10: rego_type_error: lower: invalid argument(s): have (number)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void checkedAtLoad(String rule, String error) {
        String rego = "package envoy.authz\n\n" + rule + "\n";
        LoadResult r = load(rego, true);
        if (error == null) {
            assertInstanceOf(LoadResult.Loaded.class, r, r.toString());
        } else {
            String message = assertInstanceOf(LoadResult.Failed.class, r).message();
            assertTrue(message.contains(error), message);
        }
    }

    @Test
    void switchedOffPerTenant() {
        assertInstanceOf(LoadResult.Loaded.class,
                load("package envoy.authz\n\nallow if input.attributes.request.http.methd == \"GET\"\n", false));
    }

    @Test
    void tenantYamlKey() throws Exception {
        assertTrue(TenantSettings.DEFAULTS.checkInputSchema());
        assertFalse(TenantSettings.parse(new ObjectMapper().readTree("{\"input_schema\": \"none\"}"), "t", Set.of())
                .checkInputSchema());
        assertTrue(TenantSettings.parse(new ObjectMapper().readTree("{\"input_schema\": \"tollgate\"}"), "t", Set.of())
                .checkInputSchema());
        assertEquals(TenantSettings.DEFAULTS,
                TenantSettings.parse(new ObjectMapper().readTree("{\"input_schema\": \"tollgate\"}"), "t", Set.of()));
    }
}
