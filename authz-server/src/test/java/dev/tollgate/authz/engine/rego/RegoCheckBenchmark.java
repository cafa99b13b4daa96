package dev.tollgate.authz.engine.rego;

import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.identity.SpiffeId;
import dev.tollgate.authz.input.InputDocuments;
import dev.tollgate.authz.input.InputOptions;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.tenant.TenantLoader;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.rego.value.ObjectValue;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import dev.tollgate.rego.value.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The shipped bank-b policy on a realistic input document: making the (lazy) input document, making
 * it and reading all of it (what converting the whole input used to cost), and the whole evaluation
 * of an allowed call without a token (statement-ms reads transactions), input document included.
 * Run from the repository root (bench/jmh does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegoCheckBenchmark {
    private CheckRequest request;
    private ObjectValue identity;
    private CompiledPolicy policy;

    @Setup
    public void setUp() {
        Path policies = Path.of("policies");
        if (!Files.isDirectory(policies.resolve("bank-b"))) {
            throw new IllegalStateException("run from the repository root: " + policies.toAbsolutePath() + " has no bank-b");
        }
        Tenant t = new TenantLoader(Engines.of(new RegoEngine())).load(policies, "bank-b");
        policy = t.policy().orElseThrow(() -> new IllegalStateException(t.error().orElse("")));
        String caller = "spiffe://cluster.local/ns/bank-b/sa/statement-ms";
        request = Requests.check(caller, "spiffe://cluster.local/ns/bank-b/sa/transaction-ms",
                Requests.http("GET", "/transactions/2026/11?expand=all")).build();
        identity = InputDocuments.identityValue(InputDocuments.identityJson(new CallerIdentity(SpiffeId.parse(caller),
                IdentitySource.PRINCIPAL)));
        if (!(evaluateAllowedCall() instanceof EvalResult.Defined d) || !d.value().path("allowed").asBoolean()) {
            throw new IllegalStateException("expected an allow: " + evaluateAllowedCall());
        }
    }

    private ObjectValue input() {
        return InputDocuments.build(request, identity, "bank-b", InputOptions.DEFAULTS).value();
    }

    @Benchmark
    public Value buildInput() {
        return input();
    }

    @Benchmark
    public int buildAndReadWholeInput() {
        return input().hashCode();
    }

    @Benchmark
    public EvalResult evaluateAllowedCall() {
        return policy.evaluate(input());
    }
}
