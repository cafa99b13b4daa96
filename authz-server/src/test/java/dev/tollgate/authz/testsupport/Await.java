package dev.tollgate.authz.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for background work (reloads, pollers, load threads) with a generous bound instead of hanging. */
public final class Await {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private Await() {
    }

    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
