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
import dev.tollgate.authz.testsupport.UserTokens;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.Value;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The shipped bank-b policy on realistic checks: making the (lazy) input document, making it and
 * reading all of it (what converting the whole input used to cost), the whole evaluation of an
 * allowed call without a token (statement-ms reads transactions) and of the deny of a call whose
 * end-user token is signed by another issuer (bank-a's key on bank-b), input document included;
 * the {@code …Converted} variants evaluate an eager copy of the input: the evaluator alone.
 * Run from the repository root (bench/jmh does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegoCheckBenchmark {
    private CheckRequest allowed;
    private ObjectValue allowedIdentity;
    private CheckRequest badToken;
    private ObjectValue badTokenIdentity;
    private CompiledPolicy policy;
    private Value convertedInput;
    private Value convertedBadTokenInput;
    private Value allowedResult;
    private Value denyResult;

    @Setup
    public void setUp() {
        Path policies = Path.of("policies");
        if (!Files.isDirectory(policies.resolve("bank-b"))) {
            throw new IllegalStateException("run from the repository root: " + policies.toAbsolutePath() + " has no bank-b");
        }
        Tenant t = new TenantLoader(Engines.of(new RegoEngine())).load(policies, "bank-b");
        policy = t.policy().orElseThrow(() -> new IllegalStateException(t.error().orElse("")));
        String caller = "spiffe://cluster.local/ns/bank-b/sa/statement-ms";
        allowed = Requests.check(caller, "spiffe://cluster.local/ns/bank-b/sa/transaction-ms",
                Requests.http("GET", "/transactions/2026/11?expand=all")).build();
        allowedIdentity = identity(caller);
        if (!(evaluateAllowedCall() instanceof EvalResult.Defined d) || !d.value().path("allowed").asBoolean()) {
            throw new IllegalStateException("expected an allow: " + evaluateAllowedCall());
        }
        String apiMs = "spiffe://cluster.local/ns/bank-b/sa/api-ms";
        badToken = Requests.check(apiMs, "spiffe://cluster.local/ns/bank-b/sa/transaction-ms",
                Requests.http("POST", "/transfer").putHeaders("authorization",
                        "Bearer " + UserTokens.token("bank-a", "transfer:write", 4_102_444_800L))).build();
        badTokenIdentity = identity(apiMs);
        if (!(evaluateInvalidTokenDeny() instanceof EvalResult.Defined deny)
                || !deny.value().path("headers").path("x-tollgate-reason").asText().equals("invalid_token")) {
            throw new IllegalStateException("expected an invalid_token deny: " + evaluateInvalidTokenDeny());
        }
        convertedInput = Json.fromJackson(Json.toJackson(input(allowed, allowedIdentity)));
        allowedResult = ((RegoPolicy) policy).evaluateValue(input(allowed, allowedIdentity));
        denyResult = ((RegoPolicy) policy).evaluateValue(input(badToken, badTokenIdentity));
        convertedBadTokenInput = Json.fromJackson(Json.toJackson(input(badToken, badTokenIdentity)));
    }

    private static ObjectValue identity(String spiffeId) {
        return InputDocuments.identityValue(InputDocuments.identityJson(new CallerIdentity(SpiffeId.parse(spiffeId),
                IdentitySource.PRINCIPAL)));
    }

    private static ObjectValue input(CheckRequest request, ObjectValue identity) {
        return InputDocuments.build(request, identity, "bank-b", InputOptions.DEFAULTS).value();
    }

    @Benchmark
    public Value buildInput() {
        return input(allowed, allowedIdentity);
    }

    @Benchmark
    public int buildAndReadWholeInput() {
        return input(allowed, allowedIdentity).hashCode();
    }

    @Benchmark
    public EvalResult evaluateAllowedCall() {
        return policy.evaluate(input(allowed, allowedIdentity));
    }

    @Benchmark
    public EvalResult evaluateInvalidTokenDeny() {
        return policy.evaluate(input(badToken, badTokenIdentity));
    }

    /** The allowed call's result (an object with a header) as a Jackson tree, read into a Decision. */
    @Benchmark
    public dev.tollgate.authz.decision.Decision readAllowedResult() {
        return dev.tollgate.authz.decision.DecisionReader.read(JsonValues.toJson(allowedResult));
    }

    /** The deny's result (status, two headers, a JSON body) as a Jackson tree, read into a Decision. */
    @Benchmark
    public dev.tollgate.authz.decision.Decision readDenyResult() {
        return dev.tollgate.authz.decision.DecisionReader.read(JsonValues.toJson(denyResult));
    }

    @Benchmark
    public Value evaluateAllowedCallConverted() {
        return ((RegoPolicy) policy).evaluateValue(convertedInput);
    }

    @Benchmark
    public Value evaluateInvalidTokenDenyConverted() {
        return ((RegoPolicy) policy).evaluateValue(convertedBadTokenInput);
    }
}
