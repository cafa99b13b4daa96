package dev.tollgate.authz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.server.TollgateServer;
import dev.tollgate.authz.testsupport.TestPki;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code --tls-*} flags of {@code tollgate serve} really put TLS (and mTLS) on the gRPC listener. */
class TlsFlagsTest {
    @TempDir
    Path dir;

    private ServerConfig configFromFlags(String... tlsFlags) throws Exception {
        Path policies = Files.createDirectories(dir.resolve("policies/bank-a"));
        Files.writeString(policies.resolve("authz.rego"), "package envoy.authz\n\nallow := true\n");
        List<String> args = new ArrayList<>(List.of("--policies", dir.resolve("policies").toString(),
                "--bind", "127.0.0.1", "--grpc-port", "0", "--admin-port", "0"));
        args.addAll(List.of(tlsFlags));
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args.toArray(String[]::new));
        return serve.effectiveConfig();
    }

    private static ServingStatus health(TollgateServer server, ChannelCredentials credentials) throws Exception {
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("localhost", server.grpcPort(), credentials).build();
        try {
            return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void certAndKeyFlagsServeTls() throws Exception {
        TestPki pki = TestPki.get();
        ServerConfig cfg = configFromFlags("--tls-cert", pki.serverCert.toString(), "--tls-key", pki.serverKey.toString());
        assertEquals(new ServerConfig.Tls(Optional.of(pki.serverCert), Optional.of(pki.serverKey), Optional.empty(), true),
                cfg.tls());
        TollgateServer server = TollgateServer.start(cfg, Engines.of(new RegoEngine()), List.of());
        try {
            assertTrue(server.listeningLine().endsWith(" tls=tls"), server.listeningLine());
            assertEquals(ServingStatus.SERVING,
                    health(server, TlsChannelCredentials.newBuilder().trustManager(pki.caCert.toFile()).build()));
            StatusRuntimeException plain = assertThrows(StatusRuntimeException.class,
                    () -> health(server, InsecureChannelCredentials.create()));
            assertEquals(Status.Code.UNAVAILABLE, plain.getStatus().getCode(), plain.getStatus().toString());
        } finally {
            server.shutdown();
        }
    }

    @Test
    void clientCaFlagRequiresClientCertificates() throws Exception {
        TestPki pki = TestPki.get();
        ServerConfig cfg = configFromFlags("--tls-cert", pki.serverCert.toString(), "--tls-key", pki.serverKey.toString(),
                "--tls-client-ca", pki.caCert.toString());
        assertEquals(Optional.of(pki.caCert), cfg.tls().clientCaFile());
        TollgateServer server = TollgateServer.start(cfg, Engines.of(new RegoEngine()), List.of());
        try {
            assertTrue(server.listeningLine().endsWith(" tls=mtls"), server.listeningLine());
            assertEquals(ServingStatus.SERVING, health(server, TlsChannelCredentials.newBuilder()
                    .keyManager(pki.clientCert.toFile(), pki.clientKey.toFile()).trustManager(pki.caCert.toFile()).build()));
            StatusRuntimeException noCert = assertThrows(StatusRuntimeException.class,
                    () -> health(server, TlsChannelCredentials.newBuilder().trustManager(pki.caCert.toFile()).build()));
            assertEquals(Status.Code.UNAVAILABLE, noCert.getStatus().getCode(), noCert.getStatus().toString());
        } finally {
            server.shutdown();
        }
    }
}
