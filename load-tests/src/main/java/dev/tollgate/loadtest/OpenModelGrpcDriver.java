package dev.tollgate.loadtest;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-model gRPC load driver: calls leave on a fixed arrival-rate schedule whatever the server
 * does, over a few HTTP/2 connections, and each latency is measured from the call's intended start
 * time into an HdrHistogram. A server that falls behind therefore shows its queueing in the
 * percentiles instead of slowing the load down.
 */
final class OpenModelGrpcDriver implements AutoCloseable {
    /** Calls outstanding beyond this are not sent and count as errors: the server is hopelessly behind. */
    static final int MAX_OUTSTANDING = 20_000;
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<AuthorizationGrpc.AuthorizationStub> stubs = new ArrayList<>();

    OpenModelGrpcDriver(String host, int port, int connections) {
        for (int i = 0; i < connections; i++) {
            ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor()
                    .flowControlWindow(4 * 1024 * 1024).build();
            channels.add(ch);
            stubs.add(AuthorizationGrpc.newStub(ch));
        }
    }

    /** Sends {@code requests} (cycled) at {@code rate} calls per second for {@code seconds}. */
    LoadResult run(List<CheckRequest> requests, double rate, double seconds) throws InterruptedException {
        Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
        Histogram sendLag = new Histogram(HIGHEST_MICROS, 2);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong allowed = new AtomicLong();
        AtomicLong denied = new AtomicLong();
        AtomicLong outstanding = new AtomicLong();
        long total = Math.max(1, Math.round(rate * seconds));
        double intervalNanos = 1e9 / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        for (long i = 0; i < total; i++) {
            long intended = start + (long) (i * intervalNanos);
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                if (wait > 100_000) {
                    LockSupport.parkNanos(wait - 50_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            sendLag.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (System.nanoTime() - intended) / 1000)));
            if (outstanding.get() >= MAX_OUTSTANDING) {
                errors.incrementAndGet();
                continue;
            }
            outstanding.incrementAndGet();
            CheckRequest request = requests.get((int) (i % requests.size()));
            stubs.get((int) (i % stubs.size())).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(request, new StreamObserver<>() {
                        @Override
                        public void onNext(CheckResponse r) {
                            (r.getStatus().getCode() == 0 ? allowed : denied).incrementAndGet();
                        }

                        @Override
                        public void onError(Throwable t) {
                            errors.incrementAndGet();
                            outstanding.decrementAndGet();
                        }

                        @Override
                        public void onCompleted() {
                            recorder.recordValue(Math.min(HIGHEST_MICROS,
                                    Math.max(1, (System.nanoTime() - intended) / 1000)));
                            completed.incrementAndGet();
                            outstanding.decrementAndGet();
                        }
                    });
        }
        long sendEnd = System.nanoTime();
        long deadline = sendEnd + TimeUnit.SECONDS.toNanos(35);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        double elapsed = (sendEnd - start) / 1e9;
        Histogram histogram = recorder.getIntervalHistogram();
        return new LoadResult(rate, completed.get() / Math.max(elapsed, 1e-9), completed.get(),
                errors.get() + outstanding.get(), allowed.get(), denied.get(), histogram,
                sendLag.getValueAtPercentile(99));
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel ch : channels) {
            ch.shutdownNow();
        }
        for (ManagedChannel ch : channels) {
            ch.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
