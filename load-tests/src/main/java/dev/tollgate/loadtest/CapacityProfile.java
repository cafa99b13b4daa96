package dev.tollgate.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * Steps the arrival rate up geometrically until the latency objective breaks or errors appear, and
 * keeps the highest rate that held. Latency is measured from each call's intended start, so a driver
 * that falls behind only makes the figures worse; with {@code stopOnDriverLag} such a step ends the
 * profile instead and the figure is reported as a lower bound.
 */
final class CapacityProfile {
    interface Step {
        LoadResult run(double rate) throws Exception;
    }

    record Outcome(LoadResult held, List<LoadResult> steps, boolean driverLimited) {
        double heldRate() {
            return held == null ? 0 : held.targetRate();
        }
    }

    private final double startRate;
    private final double factor;
    private final double maxRate;
    private final double p99Micros;
    private final boolean stopOnDriverLag;

    CapacityProfile(double startRate, double factor, double maxRate, double p99Micros, boolean stopOnDriverLag) {
        if (startRate <= 0 || factor <= 1 || maxRate < startRate) {
            throw new IllegalArgumentException("profile needs 0 < start <= max and factor > 1");
        }
        this.startRate = startRate;
        this.factor = factor;
        this.maxRate = maxRate;
        this.p99Micros = p99Micros;
        this.stopOnDriverLag = stopOnDriverLag;
    }

    Outcome run(Step step) throws Exception {
        List<LoadResult> steps = new ArrayList<>();
        LoadResult held = null;
        for (double rate = startRate; rate <= maxRate; rate *= factor) {
            LoadResult r = step.run(Math.round(rate));
            steps.add(r);
            if (stopOnDriverLag && r.driverLimited()) {
                return new Outcome(held, steps, true);
            }
            if (!r.held(p99Micros)) {
                break;
            }
            held = r;
        }
        return new Outcome(held, steps, false);
    }
}
