package dev.tollgate.authz.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.ratelimit.Fixtures.FakeTicker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyAndMemoryTest {

    @Test
    void eightThreadsOnOneKeyAdmitExactlyTheBurst() throws Exception {
        FakeTicker frozen = new FakeTicker();
        RateLimiter limiter = Fixtures.limiter(frozen, """
                rate_limits:
                  default: {rate: 10, per: second, burst: 1000}
                """);
        Caller caller = Fixtures.k8s("bank-a.example", "payments", "api");
        int threads = 8;
        int attempts = 5_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Integer>> admitted = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                admitted.add(pool.submit(() -> {
                    start.await();
                    int n = 0;
                    for (int i = 0; i < attempts; i++) {
                        if (limiter.check("bank-a", caller, "GET", "/", null).allowed()) {
                            n++;
                        }
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : admitted) {
                total += f.get();
            }
            assertEquals(1000, total);
        }
        assertEquals(1000, limiter.metrics().allowed());
        assertEquals(threads * attempts - 1000, limiter.metrics().limited());

        // the clock moves 1 s: exactly 10 more tokens, still shared correctly
        frozen.advance(Duration.ofSeconds(1));
        int more = 0;
        for (int i = 0; i < 100; i++) {
            more += limiter.check("bank-a", caller, "GET", "/", null).allowed() ? 1 : 0;
        }
        assertEquals(10, more);
    }

    @Test
    void aMillionDistinctCallersKeepMemoryBounded() throws Exception {
        FakeTicker clock = new FakeTicker();
        long maxKeys = 10_000;
        RateLimiter limiter = Fixtures.limiter(clock, """
                rate_limits:
                  max_keys: 10000
                  rules:
                    - {name: per-caller, match: {namespace: tenants}, rate: 10, per: second}
                  default: {rate: 1, per: minute}
                """);
        long before = usedHeapAfterGc();
        for (int i = 0; i < 1_000_000; i++) {
            String sa = "sa-" + i;
            Caller caller = new Caller("spiffe://bank-a.example/ns/tenants/sa/" + sa, "bank-a.example", "tenants", sa);
            limiter.check("bank-a", caller, "GET", "/", null);
            if ((i & 0xFFFF) == 0) {
                clock.advanceNanos(1_000);
            }
        }
        long held = limiter.localBucketCount("bank-a");
        assertTrue(held <= maxKeys, "held " + held + " buckets, more than max_keys " + maxKeys);
        long growth = usedHeapAfterGc() - before;
        // 10,000 rows are a few MB; a million unbounded rows with their keys would be well over 150 MB
        assertTrue(growth < 64L * 1024 * 1024, "heap grew by " + growth / (1024 * 1024) + " MB");
        assertEquals(1_000_000, limiter.metrics().allowed());
    }

    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
