package dev.tollgate.loadtest;

import org.HdrHistogram.Histogram;

/**
 * What one fixed-rate run measured. Latency is from each call's intended start (its slot in the
 * arrival schedule) to its answer, so a stalled server cannot hide queued calls (no coordinated
 * omission). {@code sendLagP99Micros} is how late the driver itself sent (p99). {@code errors} are transport failures and calls never sent because too many were
 * outstanding; denies are answers, not errors.
 */
record LoadResult(double targetRate, double achievedRate, long completed, long errors, long allowed, long denied,
                  Histogram latencyMicros, long sendLagP99Micros) {
    /** Beyond this p99 send lag the driver itself could not keep the schedule. */
    static final long DRIVER_LAG_LIMIT_MICROS = 1_000;

    /** The driver could not keep the schedule: the run measured the driver, not the server. */
    boolean driverLimited() {
        return sendLagP99Micros > DRIVER_LAG_LIMIT_MICROS;
    }


    double percentileMicros(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile);
    }

    /** Held a latency objective: no errors, and p99 within {@code p99Micros}. */
    boolean held(double p99Micros) {
        return errors == 0 && completed > 0 && percentileMicros(99) <= p99Micros;
    }
}
