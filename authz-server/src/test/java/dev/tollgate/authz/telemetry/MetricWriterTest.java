package dev.tollgate.authz.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetricWriterTest {
    static String write(MetricSource source) {
        return new MetricsRegistry().register(source).scrape();
    }

    @Test
    void familyHeaderAndEscapedLabels() {
        String text = write(out -> out.family("t_total", MetricWriter.Type.COUNTER, "Help with \\ and\nnewline.")
                .sample(3, "a", "x\"y", "b", "back\\slash\nline"));
        assertEquals("""
                # HELP t_total Help with \\\\ and\\nnewline.
                # TYPE t_total counter
                t_total{a="x\\"y",b="back\\\\slash\\nline"} 3
                """, text);
    }

    static Stream<Arguments> numbers() {
        return Stream.of(Arguments.of(0.0, "0"), Arguments.of(42.0, "42"), Arguments.of(0.25, "0.25"),
                Arguments.of(-1.0, "-1"), Arguments.of(Double.POSITIVE_INFINITY, "+Inf"), Arguments.of(Double.NaN, "NaN"),
                Arguments.of(1.5e-7, "1.5E-7"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("numbers")
    void numberFormat(double value, String text) {
        assertEquals(text, MetricWriter.format(value));
    }

    @Test
    void histogramBucketsAreCumulativeAndCountMatchesInf() {
        Histogram h = new Histogram();
        h.record(10_000);          // 10 us: exactly on the 10 us bound
        h.record(50_000);          // exactly on the bound: still that bucket
        h.record(300_000);         // 0.3 ms: the 0.0005 bucket
        h.record(2_000_000_000L);  // 2 s: only +Inf
        String text = write(out -> {
            out.family("d_seconds", MetricWriter.Type.HISTOGRAM, "d.");
            h.write(out, "d_seconds", "tenant", "t");
        });
        assertEquals(true, text.contains("d_seconds_bucket{tenant=\"t\",le=\"0.000005\"} 0\n"), text);
        assertEquals(true, text.contains("d_seconds_bucket{tenant=\"t\",le=\"0.00001\"} 1\n"), text);
        assertEquals(true, text.contains("d_seconds_bucket{tenant=\"t\",le=\"0.00003\"} 1\n"), text);
        assertEquals(true, text.contains("d_seconds_bucket{tenant=\"t\",le=\"0.00005\"} 2\n"), text);
        assertEquals(true, text.contains("d_seconds_bucket{tenant=\"t\",le=\"0.00025\"} 2\n"), text);
        assertEquals(true, text.contains("d_seconds_bucket{tenant=\"t\",le=\"0.0005\"} 3\n"), text);
        assertEquals(true, text.contains("d_seconds_bucket{tenant=\"t\",le=\"1\"} 3\n"), text);
        assertEquals(true, text.contains("d_seconds_bucket{tenant=\"t\",le=\"+Inf\"} 4\n"), text);
        assertEquals(true, text.contains("d_seconds_count{tenant=\"t\"} 4\n"), text);
        assertEquals(true, text.contains("d_seconds_sum{tenant=\"t\"} 2.00036\n"), text);
    }

    @Test
    void mistakesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> write(out -> out.family("bad-name", MetricWriter.Type.GAUGE, "x")));
        assertThrows(IllegalStateException.class, () -> write(out -> {
            out.family("a", MetricWriter.Type.GAUGE, "x");
            out.family("a", MetricWriter.Type.GAUGE, "x");
        }));
        assertThrows(IllegalArgumentException.class, () -> write(out -> out.family("a", MetricWriter.Type.GAUGE, "x")
                .sample(1, "__reserved", "v")));
        assertThrows(IllegalArgumentException.class, () -> write(out -> out.family("a", MetricWriter.Type.GAUGE, "x")
                .sample(1, "odd")));
        assertThrows(IllegalStateException.class, () -> write(out -> out.sample(1)));
    }

    @Test
    void checkMetricsBoundTheirLabelValues() {
        CheckMetrics m = new CheckMetrics(Set.of("allowed", "policy_denied"), Set.of("evaluation_error"));
        m.recordCheck("bank-a", true, "allowed", 1000);
        m.recordCheck("bank-a", false, "made_up_by_someone", 1000);
        m.recordCheck(null, false, "policy_denied", 1000);
        for (int i = 0; i < CheckMetrics.MAX_TENANTS + 5; i++) {
            m.recordCheck("t" + i, true, "allowed", 1);
        }
        String text = write(m);
        assertEquals(true, text.contains("tollgate_checks_total{tenant=\"bank-a\",decision=\"deny\",reason=\"other\"} 1\n"), text);
        assertEquals(true, text.contains("tollgate_checks_total{tenant=\"\",decision=\"deny\",reason=\"policy_denied\"} 1\n"), text);
        long tenants = text.lines().filter(l -> l.startsWith("tollgate_policy_eval_errors_total{")).count();
        assertEquals(CheckMetrics.MAX_TENANTS + 1, tenants, "capped, plus the overflow series");
        assertEquals(true, text.contains("tollgate_policy_eval_errors_total{tenant=\"_other\"} 0\n"), text);
    }
}
