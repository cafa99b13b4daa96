package dev.tollgate.authz.testsupport;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.util.Map;

/** CheckRequests shaped like Istio sidecars send them. */
public final class Requests {
    public static final String CALLER = "spiffe://cluster.local/ns/bank-a/sa/teller";
    public static final String BANK_A_WORKLOAD = "spiffe://cluster.local/ns/bank-a/sa/ledger";

    private Requests() {
    }

    public static AttributeContext.HttpRequest.Builder http(String method, String path) {
        return AttributeContext.HttpRequest.newBuilder()
                .setId("req-1").setMethod(method).setPath(path).setHost("ledger.bank-a.svc:8080")
                .setScheme("http").setProtocol("HTTP/1.1")
                .putAllHeaders(Map.of(":method", method, ":path", path, ":authority", "ledger.bank-a.svc:8080",
                        "user-agent", "curl/8.5", "x-request-id", "5b3f0c1e-8f0a-4c4e-9a63-0b1f1f0e7a42"));
    }

    public static CheckRequest.Builder check(String sourcePrincipal, String destinationPrincipal,
                                             AttributeContext.HttpRequest.Builder http) {
        AttributeContext.Builder a = AttributeContext.newBuilder();
        AttributeContext.Peer.Builder source = AttributeContext.Peer.newBuilder().setAddress(address("10.0.0.7", 45678));
        if (sourcePrincipal != null) {
            source.setPrincipal(sourcePrincipal);
        }
        a.setSource(source);
        AttributeContext.Peer.Builder dest = AttributeContext.Peer.newBuilder().setAddress(address("10.0.0.9", 8080));
        if (destinationPrincipal != null) {
            dest.setPrincipal(destinationPrincipal);
        }
        a.setDestination(dest);
        AttributeContext.Request.Builder request = AttributeContext.Request.newBuilder()
                .setTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_764_000_000L).setNanos(123_000_000));
        if (http != null) {
            request.setHttp(http);
        }
        a.setRequest(request);
        return CheckRequest.newBuilder().setAttributes(a);
    }

    public static CheckRequest get(String path) {
        return check(CALLER, BANK_A_WORKLOAD, http("GET", path)).build();
    }

    static Address address(String ip, int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
    }
}
