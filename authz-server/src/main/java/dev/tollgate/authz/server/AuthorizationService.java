package dev.tollgate.authz.server;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The gRPC face of {@link CheckPipeline} (through {@link CheckCall}, which may trace it). The server
 * runs it on the transport thread (no executor hop): checks that cannot block are decided right
 * there; checks of tenants that may block go to {@link BlockingChecks}, and when that is full they
 * are answered at once with a 503 deny ({@code overloaded}).
 */
final class AuthorizationService extends AuthorizationGrpc.AuthorizationImplBase {
    private final CheckPipeline pipeline;
    private final CheckCall check;
    private final BlockingChecks blocking;

    AuthorizationService(CheckPipeline pipeline, CheckCall check, BlockingChecks blocking) {
        this.pipeline = pipeline;
        this.check = check;
        this.blocking = blocking;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
        // Read on the calling thread: the gRPC context does not follow the check to another thread.
        Optional<X509Certificate> peer = PeerCertificateInterceptor.PEER_CERTIFICATE.get();
        if (!pipeline.mayBlock(request)) {
            respond(responses, check.check(request, peer));
            return;
        }
        if (!blocking.offer(() -> respond(responses, check.check(request, peer)))) {
            respond(responses, pipeline.overloaded(request));
        }
    }

    private static void respond(StreamObserver<CheckResponse> responses, CheckResponse response) {
        responses.onNext(response);
        responses.onCompleted();
    }
}
