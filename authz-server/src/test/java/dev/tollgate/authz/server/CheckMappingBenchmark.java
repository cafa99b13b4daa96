package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.tollgate.authz.decision.CheckResponses;
import dev.tollgate.authz.decision.Decision;
import dev.tollgate.authz.decision.DecisionReader;
import dev.tollgate.authz.decision.ResponseHeaders;
import dev.tollgate.authz.identity.CallerIdentity;
import dev.tollgate.authz.identity.IdentityPolicy;
import dev.tollgate.authz.identity.IdentityResolver;
import dev.tollgate.authz.identity.IdentityResult;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.input.InputDocuments;
import dev.tollgate.authz.input.InputOptions;
import dev.tollgate.authz.testsupport.Requests;
import dev.tollgate.rego.value.ObjectValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Check path without the engine: CheckRequest → identity → input document, all of it read
 * (hashed) → (fixed decision) → CheckResponse, for a realistic ~1 KB Istio request with 20 headers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CheckMappingBenchmark {
    private CheckRequest request;
    private IdentityResolver identities;
    private Decision decision;
    private CheckPipeline pipeline;

    @Setup
    public void setup() {
        AttributeContext.HttpRequest.Builder http = Requests.http("GET", "/api/v1/accounts/4711/transactions?from=2025-01-01&limit=50")
                .putHeaders("accept", "application/json")
                .putHeaders("accept-encoding", "gzip, deflate, br")
                .putHeaders("authorization", "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZWxsZXIifQ.c2lnbmF0dXJl")
                .putHeaders("content-length", "0")
                .putHeaders("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7")
                .putHeaders("x-b3-spanid", "e457b5a2e4d86bd1")
                .putHeaders("x-b3-parentspanid", "05e3ac9a4f6e3b90")
                .putHeaders("x-b3-sampled", "1")
                .putHeaders("x-envoy-attempt-count", "1")
                .putHeaders("x-forwarded-proto", "http")
                .putHeaders("x-envoy-internal", "true")
                .putHeaders("traceparent", "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01")
                .putHeaders("x-forwarded-client-cert", "By=spiffe://cluster.local/ns/bank-a/sa/ledger;Hash=4f3a0b6c1d2e;Subject=\"\";URI=spiffe://cluster.local/ns/bank-a/sa/teller")
                .putHeaders("cookie", "session=9f8e7d6c5b4a39281706")
                .putHeaders("x-tenant-hint", "bank-a");
        request = Requests.check(Requests.CALLER, Requests.BANK_A_WORKLOAD, http).build();
        identities = new IdentityResolver(new IdentityPolicy(List.of(IdentitySource.PRINCIPAL, IdentitySource.CERTIFICATE,
                IdentitySource.XFCC, IdentitySource.PEER_CERTIFICATE), false, Set.of()));
        decision = DecisionReader.read(BooleanNode.TRUE);
        pipeline = new CheckPipeline(null, identities, null, InputOptions.DEFAULTS, 65536, ResponseHeaders.DEFAULTS,
                List.of());
        if (request.getAttributes().getRequest().getHttp().getHeadersCount() != 20) {
            throw new IllegalStateException("benchmark request should carry 20 headers");
        }
    }

    @Benchmark
    public CheckResponse check() {
        IdentityResult r = identities.resolve(request.getAttributes(), Optional.empty());
        CallerIdentity caller = ((IdentityResult.Found) r).identity();
        ObjectValue input = InputDocuments.build(request, pipeline.identityForms(caller).input(), "bank-a",
                InputOptions.DEFAULTS).value();
        // Reads the whole document (what building it eagerly used to cost); a policy reads a part of it.
        if (input.hashCode() == 0) {
            throw new IllegalStateException();
        }
        return CheckResponses.build(decision, DecisionIds.next(), "bank-a",
                pipeline.identityMetadata(caller).value(), ResponseHeaders.DEFAULTS);
    }
}
