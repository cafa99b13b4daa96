package dev.tollgate.authz.server;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What a decision id costs per Check: the ThreadLocalRandom UUID Tollgate uses against
 * {@link UUID#randomUUID()} (SecureRandom), from two threads at once as on a busy server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
public class DecisionIdBenchmark {
    @Benchmark
    public String threadLocalRandom() {
        return DecisionIds.next();
    }

    @Benchmark
    public String secureRandom() {
        return UUID.randomUUID().toString();
    }
}
