package dev.tollgate.authz.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static DecisionRecord record(String id, boolean allowed, String rateLimitKey) {
        return new DecisionRecord(id, 1_764_000_000_123L, "bank-a", "spiffe://cluster.local/ns/bank-a/sa/teller",
                "principal", "GET", "/accounts", allowed, allowed ? "allowed" : "rate_limited", allowed ? 200 : 429,
                "sha256:0123456789abcdef", 12_500, 48_000, rateLimitKey);
    }

    @Test
    void oneJsonLinePerDecisionAppendedToTheFile() throws Exception {
        Path file = dir.resolve("decisions.jsonl");
        Files.writeString(file, "{\"earlier\": true}\n");
        try (DecisionLog log = DecisionLog.open(new DecisionLogSettings(true, Optional.of(file), 1.0, 100))) {
            log.offer(record("d-1", true, null));
            log.offer(record("d-2", false, "spiffe://cluster.local/ns/bank-a/sa/teller"));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), lines.toString());
        JsonNode first = JSON.readTree(lines.get(1));
        assertEquals(JSON.readTree("""
                {"decision_id": "d-1", "timestamp": "2025-11-24T16:00:00.123Z", "tenant": "bank-a",
                 "caller": {"spiffe_id": "spiffe://cluster.local/ns/bank-a/sa/teller", "source": "principal"},
                 "method": "GET", "path": "/accounts", "allowed": true, "reason": "allowed", "http_status": 200,
                 "policy_revision": "sha256:0123456789abcdef", "eval_duration_us": 12.5, "check_duration_us": 48.0}"""),
                first);
        JsonNode second = JSON.readTree(lines.get(2));
        assertEquals("spiffe://cluster.local/ns/bank-a/sa/teller", second.get("rate_limit_key").textValue());
        assertEquals(429, second.get("http_status").intValue());
    }

    @Test
    void anonymousAndTcpChecksWriteNulls() throws Exception {
        StringWriter out = new StringWriter();
        try (DecisionLog log = DecisionLog.to(out, 1.0, 10)) {
            log.offer(new DecisionRecord("d", 0, null, null, null, null, null, false, "unknown_tenant", 403, null, 0,
                    10, null));
        }
        JsonNode line = JSON.readTree(out.toString());
        assertTrue(line.get("tenant").isNull());
        assertTrue(line.at("/caller/spiffe_id").isNull());
        assertTrue(line.get("path").isNull());
        assertEquals("1970-01-01T00:00:00Z", line.get("timestamp").textValue());
    }

    @Test
    void deniesAreAlwaysWantedAllowsBySampling() {
        try (DecisionLog none = DecisionLog.to(new StringWriter(), 0.0, 10);
             DecisionLog all = DecisionLog.to(new StringWriter(), 1.0, 10);
             DecisionLog off = DecisionLog.off()) {
            for (int i = 0; i < 100; i++) {
                assertTrue(none.wants(false));
                assertFalse(none.wants(true));
                assertTrue(all.wants(true));
                assertFalse(off.wants(false));
            }
        }
        try (DecisionLog half = DecisionLog.to(new StringWriter(), 0.5, 10)) {
            int wanted = 0;
            for (int i = 0; i < 10_000; i++) {
                wanted += half.wants(true) ? 1 : 0;
            }
            // Random sampling: far outside these bounds would take a one-in-10^20 run.
            assertTrue(wanted > 4000 && wanted < 6000, "sampled " + wanted + " of 10000 at 0.5");
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StringWriter lines = new StringWriter();
        Writer blocked = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) throws IOException {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                lines.write(buf, off, len);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        DecisionLog log = DecisionLog.to(blocked, 1.0, 2);
        log.offer(record("first", true, null));
        writing.await(); // the writer holds "first" and is stuck in the sink
        for (int i = 0; i < 10; i++) {
            log.offer(record("r" + i, false, null)); // returns at once: 2 fit, 8 are dropped
        }
        assertEquals(8, log.dropped());
        String scrape = new MetricsRegistry().register(log).scrape();
        assertTrue(scrape.contains("tollgate_decision_log_dropped_total 8\n"), scrape);
        release.countDown();
        log.close();
        assertEquals(3, log.written());
        assertEquals(3, lines.toString().lines().count());
    }
}
