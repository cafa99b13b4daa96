package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.authz.decision.CheckReplies;
import dev.tollgate.authz.decision.CheckReply;
import dev.tollgate.authz.decision.CheckResponses;
import dev.tollgate.authz.decision.Decision;
import dev.tollgate.authz.decision.DecisionReader;
import dev.tollgate.authz.decision.IdentityMetadata;
import dev.tollgate.authz.decision.ResponseHeaders;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Drainable;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A decision to response bytes as the gRPC service sends them: {@code message} builds the
 * CheckResponse and marshals it with protobuf (what the service did before), {@code reply}
 * writes a {@link CheckReply} (what it does now). Shapes: a plain allow, the shipped policies'
 * allow (one header), their deny (403, two headers, a JSON body) and an allow with policy metadata.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CheckResponseEncodingBenchmark {
    @Param({"allow", "shaped", "deny", "metadata"})
    public String shape;

    private Decision decision;
    private IdentityMetadata identity;
    private final CheckReplies replies = new CheckReplies(ResponseHeaders.DEFAULTS);
    private final WireSink sink = new WireSink();
    private static final String ID = "0b6f4c1e-7d2a-4b8e-9f31-5a6c7d8e9f01";
    private static final String REVISION = "sha256:4813e10249432610";

    @Setup
    public void setup() throws IOException {
        ObjectMapper json = new ObjectMapper();
        decision = DecisionReader.read(json.readTree(switch (shape) {
            case "allow" -> "true";
            case "shaped" -> "{\"allowed\": true, \"headers\": {\"x-tollgate-caller\": "
                    + "\"spiffe://cluster.local/ns/bank-b/sa/statement-ms\"}}";
            case "deny" -> "{\"allowed\": false, \"http_status\": 403, \"headers\": {\"x-tollgate-reason\": "
                    + "\"caller_not_allowed\", \"content-type\": \"application/json\"}, \"body\": "
                    + "\"{\\\"error\\\":\\\"caller_not_allowed\\\",\\\"message\\\":\\\"statement-ms may not call this route\\\"}\"}";
            default -> "{\"allowed\": true, \"dynamic_metadata\": {\"tier\": \"gold\", \"quota\": 1200}}";
        }));
        identity = new IdentityMetadata(CheckResponses.value(json.readTree("""
                {"spiffe_id": "spiffe://cluster.local/ns/bank-b/sa/statement-ms", "trust_domain": "cluster.local",
                 "namespace": "bank-b", "service_account": "statement-ms", "source": "principal"}""")));
        if (message() != reply()) {
            throw new IllegalStateException("the two encodings differ in size");
        }
    }

    @Benchmark
    public long message() throws IOException {
        CheckResponse r = CheckResponses.build(decision, ID, "bank-b", identity.value(), ResponseHeaders.DEFAULTS,
                REVISION);
        try (InputStream in = AuthorizationGrpc.getCheckMethod().streamResponse(r)) {
            return ((Drainable) in).drainTo(sink);
        }
    }

    @Benchmark
    public long reply() throws IOException {
        CheckReply r = replies.reply(decision, ID, "bank-b", identity, REVISION);
        try (InputStream in = AuthorizationService.CHECK.streamResponse(r)) {
            return ((Drainable) in).drainTo(sink);
        }
    }
}
