package dev.tollgate.authz.tenant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder tenant is type checked against Tollgate's input schema unless its tenant.yaml says not to. */
class TenantInputSchemaTest {
    @TempDir
    Path dir;

    private static final String MISSPELT = "package envoy.authz\n\nallow if input.attributes.request.http.methd == \"GET\"\n";

    private Tenant load() {
        return new TenantLoader(Engines.of(new RegoEngine())).load(dir, "t");
    }

    @Test
    void misspeltFieldFailsTheLoadNamingTheLine() throws Exception {
        Files.createDirectories(dir.resolve("t"));
        Files.writeString(dir.resolve("t/authz.rego"), MISSPELT);
        Tenant t = load();
        assertFalse(t.loaded());
        String error = t.error().orElseThrow();
        assertTrue(error.contains("t/authz.rego:3:10: rego_type_error: undefined ref: input.attributes.request.http.methd"),
                error);
    }

    @Test
    void inputSchemaNoneLoadsIt() throws Exception {
        Files.createDirectories(dir.resolve("t"));
        Files.writeString(dir.resolve("t/authz.rego"), MISSPELT);
        Files.writeString(dir.resolve("t/tenant.yaml"), "input_schema: none\n");
        Tenant t = load();
        assertTrue(t.loaded(), () -> t.error().orElse(""));
    }
}
