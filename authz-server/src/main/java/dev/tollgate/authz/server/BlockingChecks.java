package dev.tollgate.authz.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded executor for checks that may block (tenants with Redis counters, {@code http.send}
 * or WASM instance pools): a fixed set of threads and a bounded queue, so a slow tenant holds at
 * most these threads and never the transport's, and an overload is refused at once instead of
 * queueing without end.
 */
final class BlockingChecks implements AutoCloseable {
    /** Enough threads to wait on Redis (50 ms timeout) or http.send for many checks at once. */
    static final int DEFAULT_THREADS = 64;
    static final int DEFAULT_QUEUE = 4096;

    private final ThreadPoolExecutor executor;

    BlockingChecks(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "tollgate-blocking-check-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code check} on a blocking thread; false when every thread is busy and the queue is full. */
    boolean offer(Runnable check) {
        try {
            executor.execute(check);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    Executor executor() {
        return executor;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
