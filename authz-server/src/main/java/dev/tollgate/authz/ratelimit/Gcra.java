package dev.tollgate.authz.ratelimit;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Token-bucket arithmetic in its one-word form (the generic cell rate algorithm): instead of a
 * token count and a last-refill time, a bucket stores the <em>theoretical arrival time</em>
 * {@code tat} — the instant at which it would be full again. With refill interval {@code T} and
 * capacity {@code burst}, taking one token at {@code now} is allowed iff
 * {@code max(tat, now) + T - now <= burst × T}; tokens left = {@code (burst×T - (tat-now)) / T}.
 *
 * <p>Because the whole state is one {@code long}, an update is a single compare-and-set: no
 * locks, no lost or double-spent tokens under concurrency. Idle time never accumulates more than
 * {@code burst} tokens because {@code tat} is clamped to {@code now}. State 0 (the initial value of
 * a fresh slot) is a full bucket, since times are measured from a limiter-wide origin and never
 * negative.
 */
final class Gcra {
    private Gcra() {
    }

    /**
     * Tries to take one token from {@code slot}. Returns {@code d = max(tat, now) + T - now}: the
     * token was taken iff {@code d <= windowNanos}. The helpers below turn {@code d} into header numbers.
     */
    static long acquire(AtomicLongArray row, int slot, long now, long intervalNanos, long windowNanos) {
        while (true) {
            long tat = row.get(slot);
            long base = Math.max(tat, now);
            long d = base - now + intervalNanos;
            if (d > windowNanos) {
                return d;
            }
            if (row.compareAndSet(slot, tat, base + intervalNanos)) {
                return d;
            }
        }
    }

    static boolean admitted(long d, long windowNanos) {
        return d <= windowNanos;
    }

    /** Whole tokens left after an admitted request. */
    static long remaining(long d, long intervalNanos, long windowNanos) {
        return d > windowNanos ? 0 : (windowNanos - d) / intervalNanos;
    }

    /** Nanoseconds until the bucket is full again. */
    static long resetNanos(long d, long intervalNanos, long windowNanos) {
        return d > windowNanos ? d - intervalNanos : d;
    }

    /** Nanoseconds until one token is available; 0 when the request was admitted. */
    static long retryAfterNanos(long d, long windowNanos) {
        return d > windowNanos ? d - windowNanos : 0;
    }

    /** Whole seconds, rounded up: a client that waits this long will not be refused for the same reason. */
    static long ceilSeconds(long nanos) {
        return Math.ceilDiv(nanos, 1_000_000_000L);
    }
}
