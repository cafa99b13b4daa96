package dev.tollgate.authz.server;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.stub.StreamObserver;

/** The gRPC face of {@link CheckPipeline} (through {@link CheckCall}, which may trace it). */
final class AuthorizationService extends AuthorizationGrpc.AuthorizationImplBase {
    private final CheckCall pipeline;

    AuthorizationService(CheckCall pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
        responses.onNext(pipeline.check(request, PeerCertificateInterceptor.PEER_CERTIFICATE.get()));
        responses.onCompleted();
    }
}
