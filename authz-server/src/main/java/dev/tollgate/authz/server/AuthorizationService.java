package dev.tollgate.authz.server;

import dev.tollgate.authz.decision.CheckReply;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The gRPC face of {@link CheckPipeline} (through {@link CheckCall}, which may trace it). The server
 * runs it on the transport thread (no executor hop): checks that cannot block are decided right
 * there; checks of tenants that may block go to {@link BlockingChecks}, and when that is full they
 * are answered at once with a 503 deny ({@code overloaded}).
 *
 * <p>{@code envoy.service.auth.v3.Authorization/Check} is bound with protobuf's request marshaller
 * and {@link CheckReplyMarshaller} for the response: the response goes to the wire from its encoded
 * pieces, never as a {@code CheckResponse} message. Clients see the same bytes protobuf would send
 * (up to the order of the metadata's map entries).
 */
final class AuthorizationService implements BindableService {
    static final MethodDescriptor<CheckRequest, CheckReply> CHECK = AuthorizationGrpc.getCheckMethod()
            .toBuilder(AuthorizationGrpc.getCheckMethod().getRequestMarshaller(), CheckReplyMarshaller.INSTANCE)
            .build();
    private static final ServiceDescriptor SERVICE = ServiceDescriptor.newBuilder(AuthorizationGrpc.SERVICE_NAME)
            .setSchemaDescriptor(AuthorizationGrpc.getServiceDescriptor().getSchemaDescriptor())
            .addMethod(CHECK)
            .build();

    private final CheckPipeline pipeline;
    private final CheckCall check;
    private final BlockingChecks blocking;

    AuthorizationService(CheckPipeline pipeline, CheckCall check, BlockingChecks blocking) {
        this.pipeline = pipeline;
        this.check = check;
        this.blocking = blocking;
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(CHECK, ServerCalls.asyncUnaryCall(this::check))
                .build();
    }

    void check(CheckRequest request, StreamObserver<CheckReply> responses) {
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

    private static void respond(StreamObserver<CheckReply> responses, CheckReply response) {
        responses.onNext(response);
        responses.onCompleted();
    }
}
