package dev.tollgate.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole capacity harness at a few hundred checks per second for a second or two per step, so
 * that {@code load-tests/run} cannot rot: servers start, the drivers and Gatling run against the
 * shipped policies, the report is complete. Nothing here judges speed.
 */
class CapacitySmokeTest {
    @TempDir
    Path results;

    @Test
    void harnessRunsEndToEnd() throws Exception {
        Path repo = WorkloadsTest.REPO;
        Capacity.Settings settings = new Capacity.Settings(repo,
                ServerProcess.tollgateJar(repo.resolve("authz-server/target/tollgate.jar")), repo.resolve("policies"),
                "", 10_000, 1, 200, 1, 200, 2, 400, 1, 2, 100, 1, results, true);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Capacity.Report report = new Capacity(settings, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String text = printed.toString(StandardCharsets.UTF_8);

        for (String target : List.of("tollgate", "no-op", "tg+redis")) {
            Capacity.Row row = report.row(target, "grpc");
            assertTrue(row != null && row.heldRate() >= 200, text);
            assertEquals(0, row.errors(), text);
        }
        String[] lines = text.strip().split("\n");
        assertTrue(lines[lines.length - 1].matches(
                "capacity: grpc \\d+/s \\(ratio ([0-9.]+|n/a)\\), http (\\d+/s \\(ratio ([0-9.]+|n/a)\\)|n/a), "
                        + "p99 at half load [0-9.]+ ms"), text);
        assertTrue(text.contains("handler time at 1,000 checks/s"), text);
    }

    @Test
    void mixIsDeterministicAndCoversEveryKind() {
        List<Call> a = new CallMix().draw(1, 2000);
        assertEquals(a, new CallMix().draw(1, 2000));
        for (String kind : HttpMixSimulation.STATUSES_BY_KIND.keySet()) {
            assertTrue(a.stream().anyMatch(c -> c.kind().equals(kind)), kind);
        }
        // Zipf: the busiest caller is seen far more often than the median tail workload.
        long top = a.stream().filter(c -> CallMix.spiffe("istio-system", "istio-ingressgateway-service-account")
                .equals(c.source())).count();
        long tail = a.stream().filter(c -> CallMix.spiffe("bank-a", "job-30").equals(c.source())).count();
        assertTrue(top > 10 * Math.max(1, tail), top + " vs " + tail);
    }

    @Test
    void serverHistogramQuantilesInterpolateLikePrometheus() {
        ServerHistogram h = ServerHistogram.parse("""
                tollgate_check_duration_seconds_bucket{tenant="a",le="0.0001"} 50
                tollgate_check_duration_seconds_bucket{tenant="a",le="0.0002"} 100
                tollgate_check_duration_seconds_bucket{tenant="a",le="+Inf"} 100
                tollgate_check_duration_seconds_bucket{tenant="b",le="0.0001"} 50
                tollgate_check_duration_seconds_bucket{tenant="b",le="0.0002"} 100
                tollgate_check_duration_seconds_bucket{tenant="b",le="+Inf"} 100
                """);
        assertEquals(200, h.count());
        assertEquals(0.0001, h.quantileSeconds(0.5), 1e-12);
        assertEquals(0.00015, h.quantileSeconds(0.75), 1e-12);
        ServerHistogram earlier = ServerHistogram.parse("""
                tollgate_check_duration_seconds_bucket{tenant="a",le="0.0001"} 50
                tollgate_check_duration_seconds_bucket{tenant="a",le="0.0002"} 50
                tollgate_check_duration_seconds_bucket{tenant="a",le="+Inf"} 50
                """);
        assertEquals(150, h.minus(earlier).count());
    }

    @Test
    void gatlingMeasuredFiguresAreRead() throws Exception {
        GatlingRun.Result r = GatlingRun.parse(500, """
                measured: count of all events is greater than or equal to 0.0 : true (actual : 2500.0)
                measured: count of failed events is less than or equal to 0.0 : false (actual : 10.0)
                measured: mean requests per second is greater than or equal to 0.0 : true (actual : 499.8)
                measured: 50th percentile of response time is greater than or equal to 0.0 : true (actual : 1.0)
                measured: 99th percentile of response time is less than or equal to 5.0 : true (actual : 3.0)
                measured: 99.9th percentile of response time is less than or equal to 50.0 : true (actual : 12.0)
                """);
        assertEquals(2500, r.requests());
        assertEquals(10, r.ko());
        assertEquals(3, r.p99Ms());
        assertEquals(12, r.p999Ms());
        assertEquals(false, r.held(5), "KO calls never hold");
    }
}
