package dev.tollgate.authz.engine.rego;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.tollgate.authz.testsupport.UserTokens;
import dev.tollgate.rego.value.Json;
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
 * The shipped bank-b policy on a realistic input document: converting the input (direct converter
 * vs. jrego's generic Jackson converter) and the whole evaluation of an allowed call without a
 * token (statement-ms reads transactions), and the deny of a call whose end-user token is signed by
 * another issuer (bank-a's key on bank-b). Run from the repository root (bench/jmh does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegoCheckBenchmark {
    private ObjectNode input;
    private ObjectNode badTokenInput;
    private CompiledPolicy policy;
    private Value convertedInput;
    private Value convertedBadTokenInput;

    @Setup
    public void setUp() {
        Path policies = Path.of("policies");
        if (!Files.isDirectory(policies.resolve("bank-b"))) {
            throw new IllegalStateException("run from the repository root: " + policies.toAbsolutePath() + " has no bank-b");
        }
        Tenant t = new TenantLoader(Engines.of(new RegoEngine())).load(policies, "bank-b");
        policy = t.policy().orElseThrow(() -> new IllegalStateException(t.error().orElse("")));
        String caller = "spiffe://cluster.local/ns/bank-b/sa/statement-ms";
        var request = Requests.check(caller, "spiffe://cluster.local/ns/bank-b/sa/transaction-ms",
                Requests.http("GET", "/transactions/2026/11?expand=all")).build();
        input = InputDocuments.build(request, Optional.of(new CallerIdentity(SpiffeId.parse(caller),
                IdentitySource.PRINCIPAL)), "bank-b", InputOptions.DEFAULTS);
        if (!(policy.evaluate(input) instanceof EvalResult.Defined d) || !d.value().path("allowed").asBoolean()) {
            throw new IllegalStateException("expected an allow: " + policy.evaluate(input));
        }
        String apiMs = "spiffe://cluster.local/ns/bank-b/sa/api-ms";
        var transfer = Requests.http("POST", "/transfer")
                .putHeaders("authorization", "Bearer " + UserTokens.token("bank-a", "transfer:write", 4_102_444_800L));
        badTokenInput = InputDocuments.build(
                Requests.check(apiMs, "spiffe://cluster.local/ns/bank-b/sa/transaction-ms", transfer).build(),
                Optional.of(new CallerIdentity(SpiffeId.parse(apiMs), IdentitySource.PRINCIPAL)), "bank-b",
                InputOptions.DEFAULTS);
        if (!(policy.evaluate(badTokenInput) instanceof EvalResult.Defined deny)
                || !deny.value().path("headers").path("x-tollgate-reason").asText().equals("invalid_token")) {
            throw new IllegalStateException("expected an invalid_token deny: " + policy.evaluate(badTokenInput));
        }
        convertedInput = JsonValues.toValue(input);
        convertedBadTokenInput = JsonValues.toValue(badTokenInput);
    }

    /** The evaluator alone: the input is converted to jrego values beforehand. */
    @Benchmark
    public Value evaluateAllowedCallConverted() {
        return ((RegoPolicy) policy).evaluateValue(convertedInput);
    }

    @Benchmark
    public Value evaluateInvalidTokenDenyConverted() {
        return ((RegoPolicy) policy).evaluateValue(convertedBadTokenInput);
    }

    @Benchmark
    public Value convertDirect() {
        return JsonValues.toValue(input);
    }

    @Benchmark
    public Value convertJackson() {
        return Json.fromJackson(input);
    }

    @Benchmark
    public EvalResult evaluateAllowedCall() {
        return policy.evaluate(input);
    }

    @Benchmark
    public EvalResult evaluateInvalidTokenDeny() {
        return policy.evaluate(badTokenInput);
    }
}
