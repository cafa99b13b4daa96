package dev.tollgate.authz.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.identity.IdentityPolicy;
import dev.tollgate.authz.telemetry.Tracing;
import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.server.http.HttpAuthzServer;
import dev.tollgate.authz.server.http.HttpCheckRequests;
import io.grpc.InsecureServerCredentials;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.Optional;
import javax.net.ssl.SSLException;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Tollgate on the network: gRPC on Netty (optionally TLS/mTLS) plus the HTTP admin listener. */
public final class TollgateServer {
    private static final System.Logger LOG = System.getLogger(TollgateServer.class.getName());

    private final Tollgate tollgate;
    private final Server grpc;
    private final AdminServer admin;
    private final HttpAuthzServer http;
    private final ServerConfig config;

    private TollgateServer(Tollgate tollgate, Server grpc, AdminServer admin, HttpAuthzServer http,
                           ServerConfig config) {
        this.tollgate = tollgate;
        this.grpc = grpc;
        this.admin = admin;
        this.http = http;
        this.config = config;
    }

    /**
     * Binds both listeners, then loads the tenants (health stays NOT_SERVING until they are) and keeps
     * them current.
     */
    public static TollgateServer start(ServerConfig config, Engines engines, List<DecisionStage> stages)
            throws IOException {
        return start(config, engines, stages, Tracing.start(config.tracing()));
    }

    /** As {@link #start(ServerConfig, Engines, List)}, with an OpenTelemetry SDK made by the caller. */
    public static TollgateServer start(ServerConfig config, Engines engines, List<DecisionStage> stages,
                                       Tracing tracing) throws IOException {
        Tollgate tollgate = new Tollgate(config, engines, stages, Ticker.systemTicker(),
                tracing);
        NettyServerBuilder builder = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.grpc().address(), config.grpc().port()),
                        credentials(config, tollgate))
                .maxInboundMessageSize(config.maxInboundMessageBytes())
                .maxInboundMetadataSize(config.maxInboundMetadataBytes())
                // Checks run on the transport thread; those that may block move to BlockingChecks.
                .directExecutor();
        for (ServerServiceDefinition service : tollgate.services()) {
            builder.addService(service);
        }
        Server grpc;
        try {
            grpc = builder.build().start();
        } catch (IOException | RuntimeException e) {
            tollgate.close();
            throw e;
        }
        AdminServer admin;
        try {
            admin = AdminServer.start(new InetSocketAddress(config.admin().address(), config.admin().port()),
                    tollgate.registry(), tollgate.metrics(), tollgate.workloadApi());
        } catch (IOException | RuntimeException e) {
            grpc.shutdownNow();
            tollgate.close();
            throw e;
        }
        HttpAuthzServer http = null;
        if (config.http().enabled()) {
            try {
                http = HttpAuthzServer.start(config.http(), tollgate.httpCheck(), tollgate::httpCheckMayBlock,
                        httpOptions(config.identity()), httpTls(config));
            } catch (IOException | RuntimeException e) {
                admin.stop();
                grpc.shutdownNow();
                tollgate.close();
                throw e;
            }
        }
        TollgateServer server = new TollgateServer(tollgate, grpc, admin, http, config);
        tollgate.loadTenants();
        tollgate.startReloading();
        return server;
    }

    private static ServerCredentials credentials(ServerConfig config, Tollgate tollgate) {
        ServerConfig.Tls tls = config.tls();
        if (tollgate.workloadApi().isPresent()) {
            // The SVID and bundles of the moment, asked for at each handshake: rotation needs no restart.
            return TlsServerCredentials.newBuilder()
                    .keyManager(tollgate.workloadApi().get().keyManager())
                    .trustManager(tollgate.workloadApi().get().trustManager())
                    .clientAuth(tls.requireClientCert() ? TlsServerCredentials.ClientAuth.REQUIRE
                            : TlsServerCredentials.ClientAuth.OPTIONAL)
                    .build();
        }
        if (!tls.enabled()) {
            return InsecureServerCredentials.create();
        }
        try {
            TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder()
                    .keyManager(tls.certFile().orElseThrow().toFile(), tls.keyFile().orElseThrow().toFile());
            if (tls.clientCaFile().isPresent()) {
                b.trustManager(tls.clientCaFile().get().toFile());
                b.clientAuth(tls.requireClientCert() ? TlsServerCredentials.ClientAuth.REQUIRE
                        : TlsServerCredentials.ClientAuth.OPTIONAL);
            }
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TLS files: " + e.getMessage(), e);
        }
    }

    /** What the HTTP mapping may read: XFCC under the gRPC trust rule, the peer certificate if configured. */
    static HttpCheckRequests.Options httpOptions(IdentityPolicy identity) {
        return new HttpCheckRequests.Options(identity.trustXfcc() && identity.sources().contains(IdentitySource.XFCC),
                identity.sources().contains(IdentitySource.PEER_CERTIFICATE));
    }

    /** TLS of the HTTP listener: the gRPC listener's certificate, key and client CA, with ALPN h2 and http/1.1. */
    private static Optional<SslContext> httpTls(ServerConfig config) {
        ServerConfig.Tls tls = config.tls();
        if (!tls.enabled()) {
            return Optional.empty();
        }
        try {
            SslContextBuilder b = SslContextBuilder.forServer(tls.certFile().orElseThrow().toFile(),
                    tls.keyFile().orElseThrow().toFile());
            if (tls.clientCaFile().isPresent()) {
                b.trustManager(tls.clientCaFile().get().toFile());
                b.clientAuth(tls.requireClientCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
            return Optional.of(b.build());
        } catch (SSLException | IllegalArgumentException e) {
            throw new UncheckedIOException("cannot use the TLS files for the HTTP listener: " + e.getMessage(),
                    e instanceof SSLException ssl ? ssl : new SSLException(e));
        }
    }

    /** One line with the bound addresses; scripts and tests read the ports from it. */
    public String listeningLine() {
        InetSocketAddress g = (InetSocketAddress) grpc.getListenSockets().getFirst();
        InetSocketAddress a = admin.address();
        return "tollgate listening grpc=" + hostPort(g, config.grpc().address())
                + (http == null ? "" : " http=" + hostPort(http.address(), config.http().listener().address()))
                + " admin=" + hostPort(a, config.admin().address())
                + " tls=" + (tollgate.workloadApi().isPresent() ? "mtls-workload-api"
                : config.tls().enabled() ? (config.tls().clientCaFile().isPresent() ? "mtls" : "tls") : "off");
    }

    /**
     * {@code host:port} as one would dial it: the configured address when bound to every
     * interface (Netty reports the IPv6 wildcard even for 0.0.0.0), IPv6 literals in brackets.
     */
    static String hostPort(InetSocketAddress bound, String configured) {
        String host = bound.getAddress().isAnyLocalAddress() ? configured : bound.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
    }

    public int grpcPort() {
        return ((InetSocketAddress) grpc.getListenSockets().getFirst()).getPort();
    }

    /** The HTTP ext_authz port; -1 when {@code http.enabled} is false. */
    public int httpPort() {
        return http == null ? -1 : http.address().getPort();
    }

    public int adminPort() {
        return admin.address().getPort();
    }

    public Tollgate tollgate() {
        return tollgate;
    }

    /**
     * Orderly stop: report NOT_SERVING, stop accepting calls, let in-flight checks finish within the
     * grace period, then cancel what is left and close the admin listener.
     */
    public void shutdown() {
        tollgate.enterShutdown();
        grpc.shutdown();
        if (http != null) {
            http.shutdown(config.shutdownGrace());
        }
        try {
            if (!grpc.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "grace period over; cancelling remaining checks");
                grpc.shutdownNow();
                grpc.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
        admin.stop();
        tollgate.close();
    }

    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }
}
