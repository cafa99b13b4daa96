package dev.tollgate.authz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.server.Tollgate;
import dev.tollgate.authz.telemetry.DecisionLogSettings;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tollgate replay: recorded requests decided by a changed policy, against a baseline. */
class ReplayCommandTest {
    static final String OLD = """
            package envoy.authz

            default allow := false

            allow if input.attributes.request.http.method == "GET"
            """;
    static final String NEW = """
            package envoy.authz

            default allow := false

            allow if {
                input.attributes.request.http.method in {"GET", "POST"}
                not startswith(input.attributes.request.http.path, "/admin")
            }
            """;
    static final List<String[]> REQUESTS = List.of(new String[] {"GET", "/accounts"},
            new String[] {"POST", "/accounts?x=1"}, new String[] {"GET", "/admin/users"},
            new String[] {"DELETE", "/accounts/7"});

    @TempDir
    Path root;
    Path old;
    Path next;

    private Path tree(String name, String rego) throws Exception {
        Path dir = root.resolve(name);
        Files.createDirectories(dir.resolve("bank-a"));
        Files.writeString(dir.resolve("bank-a/authz.rego"), rego);
        return dir;
    }

    @BeforeEach
    void policies() throws Exception {
        old = tree("old", OLD);
        next = tree("next", NEW);
    }

    static List<CheckRequest> requests() {
        List<CheckRequest> out = new ArrayList<>();
        for (String[] r : REQUESTS) {
            out.add(Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, Requests.http(r[0], r[1])
                    .putHeaders("authorization", "Bearer abc")).build());
        }
        return out;
    }

    /** A decision log recorded by the server running the old policies, with inputs. */
    private Path recordedLog() throws Exception {
        Path file = root.resolve("decisions.jsonl");
        DecisionLogSettings log = DecisionLogSettings.of(file.toString(), 1.0, 100)
                .withInput(true, DecisionLogSettings.DEFAULT_MASK_HEADERS);
        try (Tollgate t = new Tollgate(ServerConfig.defaults().withPoliciesDir(old).withDecisionLog(log),
                Engines.of(new RegoEngine()), List.of())) {
            t.loadTenants();
            for (CheckRequest r : requests()) {
                t.pipeline().check(r, Optional.empty());
            }
        }
        return file;
    }

    private Path checkRequests() throws Exception {
        Path file = root.resolve("requests.jsonl");
        StringBuilder text = new StringBuilder();
        for (CheckRequest r : requests()) {
            text.append(JsonFormat.printer().omittingInsignificantWhitespace().print(r)).append('\n');
        }
        Files.writeString(file, text);
        return file;
    }

    static void assertChangedTable(String out) {
        List<String> lines = out.lines().toList();
        assertEquals(4, lines.size(), out);
        assertTrue(lines.get(0).matches("LINE +TENANT +REQUEST +BASELINE +NOW"), out);
        assertTrue(lines.get(1).matches("2 +bank-a +POST /accounts +deny \\(policy_denied\\) +allow \\(allowed\\)"), out);
        assertTrue(lines.get(2).matches("3 +bank-a +GET /admin/users +allow \\(allowed\\) +deny \\(policy_denied\\)"),
                out);
        assertEquals("replay: 4 decisions, 2 unchanged, 2 changed (1 allow→deny, 1 deny→allow)", lines.get(3));
    }

    @Test
    void aDecisionLogIsReplayedAgainstItsRecordedDecisions() throws Exception {
        Path log = recordedLog();
        CliRun run = CliRun.of("replay", "--policies", next.toString(), log.toString());
        assertEquals(3, run.exit(), run.err());
        assertChangedTable(run.out());

        CliRun same = CliRun.of("replay", "--policies", old.toString(), log.toString());
        assertEquals(0, same.exit(), same.err());
        assertEquals("replay: 4 decisions, 4 unchanged, 0 changed (0 allow→deny, 0 deny→allow)\n", same.out());

        CliRun baseline = CliRun.of("replay", "--policies", next.toString(), "--baseline", old.toString(),
                log.toString());
        assertEquals(3, baseline.exit(), baseline.err());
        assertChangedTable(baseline.out());
    }

    @Test
    void checkRequestsAreDecidedFromScratchAgainstABaselineDirectory() throws Exception {
        Path file = checkRequests();
        CliRun run = CliRun.of("replay", "--policies", next.toString(), "--baseline", old.toString(), file.toString());
        assertEquals(3, run.exit(), run.err());
        assertChangedTable(run.out());
    }

    @Test
    void dryRunAndRateLimitedRecordsReadAsThePolicyDecided() throws Exception {
        Path file = root.resolve("decisions.jsonl");
        Path log = recordedLog();
        List<String> lines = Files.readAllLines(log);
        // As a dry-run tenant and a rate limit would have recorded lines 2 and 1.
        lines.set(1, lines.get(1).replace("\"allowed\":false,\"reason\":\"policy_denied\"",
                "\"allowed\":true,\"reason\":\"dry_run_would_deny\",\"would_deny_reason\":\"policy_denied\""));
        lines.set(0, lines.get(0).replace("\"allowed\":true,\"reason\":\"allowed\"",
                "\"allowed\":false,\"reason\":\"rate_limited\""));
        Files.write(file, lines);
        CliRun run = CliRun.of("replay", "--policies", old.toString(), file.toString());
        assertEquals(0, run.exit(), run.out() + run.err());
    }

    @Test
    void badInputNamesTheLine() throws Exception {
        Path file = root.resolve("bad.jsonl");
        Files.writeString(file, Files.readString(checkRequests()).lines().findFirst().orElseThrow() + "\n\n{oops\n");
        CliRun notJson = CliRun.of("replay", "--policies", next.toString(), "--baseline", old.toString(),
                file.toString());
        assertEquals(2, notJson.exit());
        assertTrue(notJson.err().contains("bad.jsonl: line 3: not JSON"), notJson.err());

        CliRun noBaseline = CliRun.of("replay", "--policies", next.toString(), checkRequests().toString());
        assertEquals(2, noBaseline.exit());
        assertTrue(noBaseline.err().contains("line 1: a CheckRequest records no decision; give --baseline DIR"),
                noBaseline.err());

        Files.writeString(file, "{\"decision_id\": \"d\", \"tenant\": \"bank-a\", \"allowed\": true}\n");
        CliRun noInput = CliRun.of("replay", "--policies", next.toString(), file.toString());
        assertEquals(2, noInput.exit());
        assertTrue(noInput.err().contains("line 1: decision-log line without an 'input' object"), noInput.err());

        Files.writeString(file, "{\"attributes\": {\"request\": {\"http\": {\"methd\": \"GET\"}}}}\n");
        CliRun badRequest = CliRun.of("replay", "--policies", next.toString(), "--baseline", old.toString(),
                file.toString());
        assertEquals(2, badRequest.exit());
        assertTrue(badRequest.err().contains("line 1: not a CheckRequest"), badRequest.err());

        Files.writeString(file, "[1, 2]\n");
        assertEquals(2, CliRun.of("replay", "--policies", next.toString(), file.toString()).exit());
    }

    @Test
    void aPolicyThatDoesNotCompileIsAnError() throws Exception {
        Path broken = tree("broken", "package envoy.authz\n\nallow := \n");
        CliRun run = CliRun.of("replay", "--policies", broken.toString(), recordedLog().toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("tenant bank-a: ") && run.err().contains("rego_parse_error"), run.err());
        CliRun usage = CliRun.of("replay", "--policies", root.resolve("nowhere").toString(), "x.jsonl");
        assertEquals(2, usage.exit());
        assertTrue(usage.err().contains("no policy directory"), usage.err());
    }
}
