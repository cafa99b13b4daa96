package dev.tollgate.authz.ratelimit;

import java.util.Locale;

/**
 * A token-bucket rate: {@code amount} tokens refill per {@code per}, and the bucket holds at most
 * {@code burst} tokens (a caller that has been quiet may send {@code burst} requests at once).
 *
 * <p>The refill interval is rounded up to whole nanoseconds, so a rate is never exceeded; the
 * error is below one nanosecond per token.
 */
public record Rate(long amount, Per per, long burst) {

    /** The longest time a bucket may take to refill from empty; keeps all arithmetic far from overflow. */
    static final long MAX_WINDOW_NANOS = 10L * 366 * 24 * 3600 * 1_000_000_000L;

    public enum Per {
        SECOND(1_000_000_000L), MINUTE(60_000_000_000L), HOUR(3_600_000_000_000L);

        private final long nanos;

        Per(long nanos) {
            this.nanos = nanos;
        }

        long nanos() {
            return nanos;
        }

        String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Per parse(String text) {
            return switch (text) {
                case "second" -> SECOND;
                case "minute" -> MINUTE;
                case "hour" -> HOUR;
                default -> null;
            };
        }
    }

    public Rate {
        if (per == null) {
            throw new IllegalArgumentException("per is required");
        }
        if (amount < 1 || amount > per.nanos()) {
            throw new IllegalArgumentException("rate must be between 1 and " + per.nanos() + " per " + per.yamlName() + ", got " + amount);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, got " + burst);
        }
        long interval = Math.ceilDiv(per.nanos(), amount);
        if (burst > MAX_WINDOW_NANOS / interval) {
            throw new IllegalArgumentException("burst " + burst + " at " + amount + " per " + per.yamlName()
                    + " takes more than 10 years to refill");
        }
    }

    /** Nanoseconds for one token to refill. */
    long intervalNanos() {
        return Math.ceilDiv(per.nanos(), amount);
    }

    /** Nanoseconds for an empty bucket to refill completely. */
    long windowNanos() {
        return intervalNanos() * burst;
    }

    @Override
    public String toString() {
        return amount + "/" + per.yamlName() + " burst " + burst;
    }
}
