package dev.tollgate.loadtest;

import java.util.ArrayList;
import java.util.List;

/**
 * Steps the arrival rate up geometrically until the latency objective breaks or errors appear, and
 * keeps the highest rate that held. Latency is measured from each call's intended start, so a driver
 * that falls behind only makes the figures worse (such steps are marked in the report).
 */
final class CapacityProfile {
    interface Step {
        LoadResult run(double rate) throws Exception;
    }

    record Outcome(LoadResult held, List<LoadResult> steps) {
        double heldRate() {
            return held == null ? 0 : held.targetRate();
        }
    }

    private final double startRate;
    private final double factor;
    private final double maxRate;
    private final double p99Micros;

    CapacityProfile(double startRate, double factor, double maxRate, double p99Micros) {
        if (startRate <= 0 || factor <= 1 || maxRate < startRate) {
            throw new IllegalArgumentException("profile needs 0 < start <= max and factor > 1");
        }
        this.startRate = startRate;
        this.factor = factor;
        this.maxRate = maxRate;
        this.p99Micros = p99Micros;
    }

    Outcome run(Step step) throws Exception {
        List<LoadResult> steps = new ArrayList<>();
        LoadResult held = null;
        for (double rate = startRate; rate <= maxRate; rate *= factor) {
            LoadResult r = step.run(Math.round(rate));
            steps.add(r);
            if (!r.held(p99Micros)) {
                break;
            }
            held = r;
        }
        return new Outcome(held, steps);
    }
}
