package dev.tollgate.authz.engine.wasm;

import com.styra.opa.wasm.OpaPolicy;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A bounded pool of policy instances (a wasm instance is single-threaded). At most {@code size}
 * instances exist; they are created lazily; a caller waits at most {@code borrowTimeout} for one.
 * An instance that failed is discarded rather than returned, since its memory may be inconsistent.
 */
final class InstancePool {
    private final ConcurrentLinkedQueue<OpaPolicy> idle = new ConcurrentLinkedQueue<>();
    private final Semaphore permits;
    private final Duration borrowTimeout;
    private final Supplier<OpaPolicy> factory;

    InstancePool(int size, Duration borrowTimeout, Supplier<OpaPolicy> factory, OpaPolicy first) {
        this.permits = new Semaphore(size, true);
        this.borrowTimeout = borrowTimeout;
        this.factory = factory;
        idle.add(first);
    }

    /** Returns an instance or null if none became free in time. The caller must release or discard it. */
    OpaPolicy borrow() throws InterruptedException {
        if (!permits.tryAcquire(borrowTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return null;
        }
        OpaPolicy p = idle.poll();
        if (p != null) {
            return p;
        }
        try {
            return factory.get();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    void release(OpaPolicy policy) {
        idle.add(policy);
        permits.release();
    }

    void discard() {
        permits.release();
    }
}
