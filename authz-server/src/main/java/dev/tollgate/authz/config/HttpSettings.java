package dev.tollgate.authz.config;

/**
 * The HTTP ext_authz listener ({@code http.*}). TLS, when on, uses the gRPC listener's files
 * ({@code grpc.tls.*}): one server identity and one client CA for both check protocols.
 *
 * @param maxBodyBytes        larger request bodies get 413
 * @param maxHeaderBytes      larger header blocks get 431
 * @param maxInitialLineBytes longer request lines get 414
 * @param checkThreads        threads for checks that may block (wasm pool, Redis counters, {@code http.send})
 * @param checkQueue          such checks waiting for a thread; more get 503
 */
public record HttpSettings(boolean enabled, ServerConfig.Listener listener, int maxBodyBytes, int maxHeaderBytes,
                           int maxInitialLineBytes, int checkThreads, int checkQueue) {

    public HttpSettings withListener(ServerConfig.Listener l) {
        return new HttpSettings(enabled, l, maxBodyBytes, maxHeaderBytes, maxInitialLineBytes, checkThreads,
                checkQueue);
    }

    public HttpSettings withEnabled(boolean on) {
        return new HttpSettings(on, listener, maxBodyBytes, maxHeaderBytes, maxInitialLineBytes, checkThreads,
                checkQueue);
    }
}
