package dev.tollgate.loadtest;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;

/** A {@link Call} as the CheckRequest Envoy's gRPC ext_authz filter sends for it. */
final class CallRequests {
    private CallRequests() {
    }

    static CheckRequest grpc(Call call) {
        AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
                .setMethod(call.method())
                .setPath(call.path())
                .setHost(call.destinationNamespace() + ".svc.cluster.local")
                .setScheme("http")
                .setProtocol("HTTP/1.1")
                .putHeaders(":method", call.method())
                .putHeaders(":path", call.path())
                .putHeaders(":authority", call.destinationNamespace() + ".svc.cluster.local");
        call.headers().forEach(http::putHeaders);
        AttributeContext.Peer.Builder source = AttributeContext.Peer.newBuilder();
        if (call.source() != null) {
            source.setPrincipal(call.source());
        }
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setSource(source)
                .setDestination(AttributeContext.Peer.newBuilder().setPrincipal(call.destination()))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http)))
                .build();
    }
}
