package dev.tollgate.authz.server;

import java.util.concurrent.ThreadLocalRandom;

/** Random version-4 UUID strings without SecureRandom's cost: ids correlate logs, they guard nothing. */
final class DecisionIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private DecisionIds() {
    }

    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        char[] c = new char[36];
        int p = 0;
        for (int i = 60; i >= 0; i -= 4) {
            if (p == 8 || p == 13) {
                c[p++] = '-';
            }
            c[p++] = HEX[(int) (hi >>> i) & 0xF];
        }
        c[p++] = '-';
        for (int i = 60; i >= 0; i -= 4) {
            if (p == 23) {
                c[p++] = '-';
            }
            c[p++] = HEX[(int) (lo >>> i) & 0xF];
        }
        return new String(c);
    }
}
