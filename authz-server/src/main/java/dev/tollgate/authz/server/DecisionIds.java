package dev.tollgate.authz.server;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Random version-4 UUID strings without SecureRandom's cost: ids correlate logs, they guard nothing. */
final class DecisionIds {
    private DecisionIds() {
    }

    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }
}
