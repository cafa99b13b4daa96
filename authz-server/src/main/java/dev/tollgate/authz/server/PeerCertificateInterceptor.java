package dev.tollgate.authz.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Makes the verified TLS client certificate of the gRPC connection (direct mTLS callers) visible to Check. */
final class PeerCertificateInterceptor implements ServerInterceptor {
    static final Context.Key<Optional<X509Certificate>> PEER_CERTIFICATE = Context.keyWithDefault(
            "tollgate-peer-certificate", Optional.empty());

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return next.startCall(call, headers);
        }
        Optional<X509Certificate> peer = Optional.empty();
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x509) {
                peer = Optional.of(x509);
            }
        } catch (SSLPeerUnverifiedException e) {
            // No client certificate: the caller is not a direct mTLS peer.
        }
        Context context = Context.current().withValue(PEER_CERTIFICATE, peer);
        return Contexts.interceptCall(context, call, headers, next);
    }
}
