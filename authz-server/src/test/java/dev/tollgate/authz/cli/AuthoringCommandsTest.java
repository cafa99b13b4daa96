package dev.tollgate.authz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tollgate test}, {@code check} and {@code eval} on the shipped policies and on broken ones. */
class AuthoringCommandsTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static Path repo(String path) {
        String env = System.getenv("TOLLGATE_REPO_ROOT");
        Path root = env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent();
        return root.resolve(path).normalize();
    }

    /** The shipped policies' own Rego tests: this is how CI runs rego-tests/. */
    @Test
    void shippedRegoTestsPass() {
        CliRun r = run("test", "--threshold", "90", "--policies", repo("policies").toString(), repo("rego-tests").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches("\\d+ passed, 0 failed"), last);
        assertTrue(Integer.parseInt(last.split(" ")[0]) >= 30, last);
        for (String suite : new String[] {"== bank-a", "== bank-b", "== shared", "== coverage of all suites"}) {
            assertTrue(r.out().contains(suite), suite + " missing:\n" + r.out());
        }
    }

    @Test
    void shippedPoliciesCheckClean() {
        CliRun r = run("check", repo("policies").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
    }

    @Test
    void failingTestsFailTheRunAndNameTheExpression() throws Exception {
        Files.writeString(dir.resolve("p.rego"), """
                package p

                allow if input.user == "alice"

                test_alice if allow with input as {"user": "alice"}

                test_bob if allow with input as {"user": "bob"}
                """);
        CliRun r = run("test", "--verbose", dir.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("data.p.test_bob: FAIL"), r.out());
        assertTrue(r.out().contains("p.rego:7"), r.out());
        assertTrue(r.out().strip().endsWith("1 passed, 1 failed"), r.out());
    }

    @Test
    void runFilterSelectsTests() throws Exception {
        Files.writeString(dir.resolve("p.rego"), """
                package p

                test_one if true

                test_two if false
                """);
        CliRun r = run("test", "--run", "test_one", dir.toString());
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().strip().endsWith("1 passed, 0 failed"), r.out());
    }

    @Test
    void coverageThresholdFailsTheRun() throws Exception {
        Files.writeString(dir.resolve("p.rego"), """
                package p

                a if input.x == 1

                b if input.x == 2

                c if input.x == 3
                """);
        Files.writeString(dir.resolve("p_test.rego"), """
                package p

                test_a if a with input as {"x": 1}
                """);
        CliRun r = run("test", "--threshold", "90", dir.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("p.rego"), r.out());
    }

    @Test
    void checkReportsEveryErrorWithItsLocation() throws Exception {
        Files.writeString(dir.resolve("a.rego"), """
                package a

                allow if undefined_function(input.x)
                """);
        Files.writeString(dir.resolve("b.rego"), """
                package b

                deny if x
                """);
        CliRun r = run("check", dir.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("a.rego:3"), r.out());
        assertTrue(r.out().contains("b.rego:3"), r.out());
    }

    @Test
    void checkOfATreeCompilesTenantsApart() throws Exception {
        for (String tenant : new String[] {"t1", "t2"}) {
            Files.createDirectories(dir.resolve(tenant));
            Files.writeString(dir.resolve(tenant).resolve("authz.rego"), """
                    package envoy.authz

                    default allow := false
                    """);
        }
        Files.createDirectories(dir.resolve("shared"));
        Files.writeString(dir.resolve("shared").resolve("lib.rego"), "package shared.lib\n\nx := 1\n");
        assertEquals(0, run("check", dir.toString()).exit());
    }

    @Test
    void evalPrintsTheTenantDecision() throws Exception {
        Path input = dir.resolve("input.json");
        Files.writeString(input, """
                {"attributes": {
                  "source": {"principal": "spiffe://cluster.local/ns/bank-b/sa/statement-ms"},
                  "destination": {"principal": "spiffe://cluster.local/ns/bank-b/sa/transaction-ms"},
                  "request": {"http": {"method": "POST", "path": "/transfer", "headers": {}}}},
                 "identity": {"spiffe_id": "spiffe://cluster.local/ns/bank-b/sa/statement-ms",
                  "trust_domain": "cluster.local", "path": "/ns/bank-b/sa/statement-ms", "namespace": "bank-b",
                  "service_account": "statement-ms", "workload": "statement-ms", "source": "principal",
                  "verified": false}}
                """);
        CliRun r = run("eval", "--policies", repo("policies").toString(), "--tenant", "bank-b", "--input", input.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("\"allowed\":false"), r.out());
        assertTrue(r.out().contains("caller_not_allowed"), r.out());

        CliRun explained = run("eval", "--policies", repo("policies").toString(), "--tenant", "bank-b",
                "--input", input.toString(), "--entrypoint", "envoy/authz/allow", "--explain");
        assertEquals(0, explained.exit(), explained.out() + explained.err());
        assertTrue(explained.out().contains("data.envoy.authz.allow = false"), explained.out());
        assertTrue(explained.out().contains("access.rego"), explained.out());
    }

    @Test
    void evalBuildsTheInputFromACheckRequestAsServeDoes() throws Exception {
        Path request = dir.resolve("check.json");
        Files.writeString(request, """
                {"attributes": {
                  "source": {"principal": "spiffe://cluster.local/ns/bank-b/sa/statement-ms"},
                  "destination": {"principal": "spiffe://cluster.local/ns/bank-b/sa/transaction-ms"},
                  "request": {"http": {"method": "GET", "path": "/transactions/2026/11?expand=all",
                                       "headers": {"content-type": "application/json"}, "body": "{\\"n\\": 1e999999999}"}}}}
                """);
        CliRun r = run("eval", "--policies", repo("policies").toString(), "--tenant", "bank-b",
                "--check-request", request.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("\"allowed\":true"), r.out());

        Files.writeString(request, """
                {"attributes": {"request": {"http": {"method": "POST", "path": "/t",
                  "headers": {"content-type": "application/json"}, "body": "{\\"n\\":"}}}}
                """);
        CliRun bad = run("eval", "--policies", repo("policies").toString(), "--tenant", "bank-b",
                "--check-request", request.toString());
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.err().contains("invalid_request: request body is not valid JSON"), bad.err());
    }

    @Test
    void evalRejectsAnUnknownTenant() {
        CliRun r = run("eval", "--policies", repo("policies").toString(), "--tenant", "bank-z");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("no tenant folder"), r.err());
    }
}
