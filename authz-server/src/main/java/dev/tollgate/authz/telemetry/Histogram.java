package dev.tollgate.authz.telemetry;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram with fixed bucket bounds, recorded in nanoseconds and exported in seconds.
 * Recording is lock-free: one atomic increment in a per-bucket slot and one adder for the sum.
 */
final class Histogram {
    /**
     * Upper bounds in seconds, as printed in {@code le}. A check takes microseconds, so the low end is
     * fine-grained enough to read a median or p99 of tens of microseconds from the histogram.
     */
    static final String[] BOUNDS = {"0.000005", "0.00001", "0.00002", "0.00003", "0.00005", "0.000075", "0.0001",
            "0.00015", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "1"};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS_NANOS[i] = new java.math.BigDecimal(BOUNDS[i]).movePointRight(9).longValueExact();
        }
    }

    // One slot per bound plus +Inf; not cumulative (made cumulative when written).
    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS.length + 1);
    private final LongAdder sumNanos = new LongAdder();

    void record(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        counts.incrementAndGet(i);
        sumNanos.add(nanos);
    }

    /** Writes {@code _bucket}, {@code _sum} and {@code _count} samples with {@code labels} first. */
    void write(MetricWriter out, String family, String... labels) {
        String[] withLe = java.util.Arrays.copyOf(labels, labels.length + 2);
        withLe[labels.length] = "le";
        long cumulative = 0;
        for (int i = 0; i <= BOUNDS.length; i++) {
            cumulative += counts.get(i);
            withLe[labels.length + 1] = i < BOUNDS.length ? BOUNDS[i] : "+Inf";
            out.sampleNamed(family + "_bucket", cumulative, withLe);
        }
        out.sampleNamed(family + "_sum", sumNanos.sum() / 1e9, labels);
        out.sampleNamed(family + "_count", cumulative, labels);
    }
}
