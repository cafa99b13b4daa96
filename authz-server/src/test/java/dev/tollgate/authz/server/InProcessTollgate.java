package dev.tollgate.authz.server;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** A Tollgate's gRPC services behind an in-process channel; closing stops the channel, the server and the Tollgate. */
final class InProcessTollgate implements AutoCloseable {
    final Tollgate tollgate;
    final ManagedChannel channel;
    final AuthorizationGrpc.AuthorizationBlockingStub authz;
    private final Server server;

    InProcessTollgate(Tollgate tollgate) throws IOException {
        this.tollgate = tollgate;
        String name = InProcessServerBuilder.generateName();
        InProcessServerBuilder b = InProcessServerBuilder.forName(name);
        for (ServerServiceDefinition s : tollgate.services()) {
            b.addService(s);
        }
        server = b.build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        authz = AuthorizationGrpc.newBlockingStub(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        tollgate.close();
    }
}
