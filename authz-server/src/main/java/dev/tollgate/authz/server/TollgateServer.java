package dev.tollgate.authz.server;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import io.grpc.InsecureServerCredentials;
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
    private final ServerConfig config;

    private TollgateServer(Tollgate tollgate, Server grpc, AdminServer admin, ServerConfig config) {
        this.tollgate = tollgate;
        this.grpc = grpc;
        this.admin = admin;
        this.config = config;
    }

    /**
     * Binds both listeners, then loads the tenants (health stays NOT_SERVING until they are) and keeps
     * them current.
     */
    public static TollgateServer start(ServerConfig config, Engines engines, List<DecisionStage> stages)
            throws IOException {
        Tollgate tollgate = new Tollgate(config, engines, stages);
        NettyServerBuilder builder = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.grpc().address(), config.grpc().port()), credentials(config))
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
                    tollgate.registry(), tollgate.metrics());
        } catch (IOException | RuntimeException e) {
            grpc.shutdownNow();
            tollgate.close();
            throw e;
        }
        TollgateServer server = new TollgateServer(tollgate, grpc, admin, config);
        tollgate.loadTenants();
        tollgate.startReloading();
        return server;
    }

    private static ServerCredentials credentials(ServerConfig config) {
        ServerConfig.Tls tls = config.tls();
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

    /** One line with the bound addresses; scripts and tests read the ports from it. */
    public String listeningLine() {
        InetSocketAddress g = (InetSocketAddress) grpc.getListenSockets().getFirst();
        InetSocketAddress a = admin.address();
        return "tollgate listening grpc=" + hostPort(g, config.grpc().address())
                + " admin=" + hostPort(a, config.admin().address())
                + " tls=" + (config.tls().enabled() ? (config.tls().clientCaFile().isPresent() ? "mtls" : "tls") : "off");
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
