package dev.tollgate.authz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate check}/{@code test} against the input schema, and {@code tollgate fmt}. */
class TypeCheckAndFmtCommandsTest {
    @TempDir
    Path dir;

    private static Path repo(String path) {
        String env = System.getenv("TOLLGATE_REPO_ROOT");
        Path root = env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent();
        return root.resolve(path).normalize();
    }

    private void tenant(String name, String rego, String tenantYaml) throws Exception {
        Files.createDirectories(dir.resolve(name));
        Files.writeString(dir.resolve(name).resolve("authz.rego"), rego);
        if (tenantYaml != null) {
            Files.writeString(dir.resolve(name).resolve("tenant.yaml"), tenantYaml);
        }
    }

    private static final String MISSPELT = """
            package envoy.authz

            allow if input.attributes.request.http.methd == "GET"
            """;

    @Test
    void checkNamesTheMisspeltInputField() throws Exception {
        tenant("t1", MISSPELT, null);
        CliRun r = CliRun.of("check", dir.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("t1/authz.rego:3:10: rego_type_error: undefined ref: input.attributes.request.http.methd"),
                r.out());
    }

    @Test
    void tenantYamlAndOptionSwitchItOff() throws Exception {
        tenant("t1", MISSPELT, "input_schema: none\n");
        assertEquals(0, CliRun.of("check", dir.toString()).exit());
        Files.delete(dir.resolve("t1/tenant.yaml"));
        assertEquals(0, CliRun.of("check", "--schema", "none", dir.toString()).exit());
        assertEquals(1, CliRun.of("check", "--schema", "tollgate", dir.resolve("t1/authz.rego").toString()).exit());
        assertEquals(0, CliRun.of("check", dir.resolve("t1/authz.rego").toString()).exit());
    }

    @Test
    void schemaFileOption() throws Exception {
        tenant("t1", MISSPELT, null);
        Path schema = dir.resolve("schema.json");
        Files.writeString(schema, "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {\"a\": {}}}");
        CliRun r = CliRun.of("check", "--schema", schema.toString(), dir.resolve("t1").toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("undefined ref: input.attributes"), r.out());
        Files.writeString(schema, "{not json");
        CliRun bad = CliRun.of("check", "--schema", schema.toString(), dir.resolve("t1").toString());
        assertEquals(2, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.err().contains("schema.json"), bad.err());
    }

    @Test
    void testCommandChecksTenantsToo() throws Exception {
        Path policies = dir.resolve("policies");
        Files.createDirectories(policies.resolve("t1"));
        Files.writeString(policies.resolve("t1/authz.rego"), MISSPELT);
        Path tests = dir.resolve("tests/t1");
        Files.createDirectories(tests);
        Files.writeString(tests.resolve("authz_test.rego"), """
                package envoy.authz_test

                import data.envoy.authz

                test_get if authz.allow with input as {"attributes": {"request": {"http": {"methd": "GET"}}}}
                """);
        CliRun r = CliRun.of("test", "--policies", policies.toString(), dir.resolve("tests").toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("undefined ref: input.attributes.request.http.methd"), r.out());
    }

    /** The build keeps the shipped Rego formatted: this fails when a file would change. */
    @Test
    void shippedRegoIsFormatted() {
        CliRun r = CliRun.of("fmt", "--check", repo("policies").toString(), repo("rego-tests").toString());
        assertEquals(0, r.exit(), "run ./tollgate fmt policies rego-tests; these would change:\n" + r.out() + r.err());
    }

    @Test
    void fmtChecksDiffsAndWrites() throws Exception {
        Path f = dir.resolve("a.rego");
        String messy = "package a\nimport data.z\nimport data.b\np if { input.x == 1 }\n";
        Files.writeString(f, messy);
        CliRun check = CliRun.of("fmt", "--check", dir.toString());
        assertEquals(1, check.exit());
        assertEquals(f + "\n", check.out().replace("\r", ""));
        CliRun diff = CliRun.of("fmt", "--diff", f.toString());
        assertEquals(1, diff.exit());
        assertTrue(diff.out().contains("-p if { input.x == 1 }") && diff.out().contains("+import data.b"), diff.out());
        assertEquals(messy, Files.readString(f));
        assertEquals(0, CliRun.of("fmt", f.toString()).exit());
        assertEquals("package a\n\nimport data.b\nimport data.z\n\np if {\n\tinput.x == 1\n}\n", Files.readString(f));
        assertEquals(0, CliRun.of("fmt", "--check", f.toString()).exit());
        Files.writeString(f, "package a\n\np[x] { x := 1 }\n");
        assertEquals(2, CliRun.of("fmt", "--check", f.toString()).exit());
        assertEquals(1, CliRun.of("fmt", "--check", "--v0-compatible", f.toString()).exit());
        assertEquals(0, CliRun.of("fmt", "--v0-compatible", f.toString()).exit());
        assertEquals("package a\n\np contains x if {\n\tx := 1\n}\n", Files.readString(f));
    }

    @Test
    void fmtParseErrorNamesTheLocation() throws Exception {
        Path f = dir.resolve("bad.rego");
        Files.writeString(f, "package a\n\np if {\n");
        CliRun r = CliRun.of("fmt", "--check", f.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith(f + ":"), r.err());
        assertTrue(r.err().contains("rego_parse_error"), r.err());
    }
}
