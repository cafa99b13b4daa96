package dev.tollgate.authz.ratelimit;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One thread checking a hot caller against a tenant with a realistic rule table, on the real
 * clock: rule matching (exact, namespace+method+path glob), the Caffeine lookup, the CAS on the
 * bucket word and the metrics. The rate is high enough that every check is admitted, the common
 * case on the Check path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LocalRateLimitBenchmark {
    private RateLimiter limiter;
    private Caller caller;

    @Setup
    public void setUp() throws Exception {
        limiter = RateLimiter.builder().tenant("bank-a", Fixtures.tenantYaml("""
                rate_limits:
                  default: {rate: 100, per: second}
                  rules:
                    - {name: partner, match: {trust_domain: partner.example}, rate: 10, per: second}
                    - {name: batch, match: {spiffe_id_glob: "spiffe://bank-a.example/ns/*/sa/batch-*"}, rate: 5, per: second}
                    - {name: ledger, match: {namespace: ledger}, rate: 100, per: second}
                    - name: transfers
                      match: {namespace: payments, method: POST, path: "/v1/transfers/*"}
                      rate: 1000000000
                      per: second
                    - {name: exact-other, match: {spiffe_id: "spiffe://bank-a.example/ns/payments/sa/admin"}, rate: 1, per: second}
                """)).build();
        caller = Fixtures.k8s("bank-a.example", "payments", "api");
    }

    @Benchmark
    public boolean hotKeyAllowed() {
        return limiter.check("bank-a", caller, "POST", "/v1/transfers/42", null).allowed();
    }
}
