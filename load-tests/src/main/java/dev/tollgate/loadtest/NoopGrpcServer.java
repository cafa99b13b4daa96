package dev.tollgate.loadtest;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The transport's own cost: an ext_authz server that answers every Check with OK without looking
 * at it. grpc-java on Netty with {@code directExecutor}, the same stack and limits Tollgate uses, so
 * Tollgate's throughput divided by this one's is the share of the transport's limit it reaches.
 *
 * <pre>java -cp ... dev.tollgate.loadtest.NoopGrpcServer [--port N] [--bind ADDRESS]</pre>
 */
public final class NoopGrpcServer {
    private static final CheckResponse OK = CheckResponse.newBuilder()
            .setStatus(com.google.rpc.Status.newBuilder().setCode(0))
            .setOkResponse(OkHttpResponse.getDefaultInstance())
            .build();

    private final Server server;

    private NoopGrpcServer(Server server) {
        this.server = server;
    }

    /** Starts on {@code address} (port 0 picks a free port). */
    public static NoopGrpcServer start(InetSocketAddress address) throws IOException {
        Server server = NettyServerBuilder.forAddress(address)
                .directExecutor()
                .maxInboundMessageSize(4 * 1024 * 1024)
                .addService(new AuthorizationGrpc.AuthorizationImplBase() {
                    @Override
                    public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
                        responses.onNext(OK);
                        responses.onCompleted();
                    }
                })
                .build()
                .start();
        return new NoopGrpcServer(server);
    }

    public int port() {
        return server.getPort();
    }

    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
    }

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args, "port", "bind");
        NoopGrpcServer s = start(new InetSocketAddress(a.get("bind", "127.0.0.1"), a.getInt("port", 9291)));
        System.out.println("noop listening grpc=" + a.get("bind", "127.0.0.1") + ":" + s.port());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                s.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        s.server.awaitTermination();
    }
}
