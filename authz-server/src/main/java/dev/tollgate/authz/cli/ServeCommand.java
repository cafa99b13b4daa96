package dev.tollgate.authz.cli;

import dev.tollgate.authz.config.ConfigException;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.server.TollgateServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve envoy.service.auth.v3.Authorization/Check over gRPC, with gRPC health and "
                + "reflection, Envoy's HTTP ext_authz protocol on its own port, and /health, /ready and "
                + "/metrics over HTTP.",
                "Settings come from the embedded defaults, then --config FILE, then these flags."})
final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file overriding the embedded defaults (unknown keys are rejected).")
    Path config;

    @Option(names = "--policies", paramLabel = "DIR",
            description = "Policy directory: one folder per tenant plus shared/ (default: policies).")
    Path policies;

    @Option(names = "--grpc-port", paramLabel = "N",
            description = "gRPC (ext_authz) port; 0 picks a free port (default: 9191).")
    Integer grpcPort;

    @Option(names = "--http-port", paramLabel = "N",
            description = "HTTP ext_authz port (Envoy's HTTP protocol); 0 picks a free port (default: 9192).")
    Integer httpPort;

    @Option(names = "--admin-port", paramLabel = "N",
            description = "HTTP admin port for /health, /ready and /metrics; 0 picks a free port (default: 8181).")
    Integer adminPort;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Bind address for every listener (default: 0.0.0.0).")
    String bind;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Server certificate chain (PEM); with --tls-key enables TLS on the gRPC listener.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Server private key (PEM, PKCS#8).")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PEM",
            description = "CA bundle (PEM) for client certificates; enables mTLS.")
    Path tlsClientCa;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig cfg;
        TollgateServer server;
        try {
            cfg = effectiveConfig();
            Engines engines = Engines.of(new RegoEngine(), new WasmEngine(cfg.wasmPoolSize(), cfg.wasmBorrowTimeout()));
            server = TollgateServer.start(cfg, engines, List.of());
        } catch (ConfigException | IllegalArgumentException | UncheckedIOException e) {
            spec.commandLine().getErr().println("tollgate: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        } catch (IOException e) {
            spec.commandLine().getErr().println("tollgate: cannot start listeners: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        spec.commandLine().getOut().println(server.listeningLine());
        spec.commandLine().getOut().flush();
        Thread hook = new Thread(server::shutdown, "tollgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.awaitTermination();
        return 0;
    }

    ServerConfig effectiveConfig() {
        ServerConfig cfg = ServerConfig.load(Optional.ofNullable(config));
        if (policies != null) {
            cfg = cfg.withPoliciesDir(policies);
        }
        if (grpcPort != null || bind != null) {
            cfg = cfg.withGrpc(new ServerConfig.Listener(bind != null ? bind : cfg.grpc().address(),
                    port("--grpc-port", grpcPort, cfg.grpc().port())));
        }
        if (httpPort != null || bind != null) {
            cfg = cfg.withHttp(cfg.http().withListener(new ServerConfig.Listener(
                    bind != null ? bind : cfg.http().listener().address(),
                    port("--http-port", httpPort, cfg.http().listener().port()))));
        }
        if (adminPort != null || bind != null) {
            cfg = cfg.withAdmin(new ServerConfig.Listener(bind != null ? bind : cfg.admin().address(),
                    port("--admin-port", adminPort, cfg.admin().port())));
        }
        if (tlsCert != null || tlsKey != null || tlsClientCa != null) {
            ServerConfig.Tls t = cfg.tls();
            cfg = cfg.withTls(new ServerConfig.Tls(
                    tlsCert != null ? Optional.of(tlsCert) : t.certFile(),
                    tlsKey != null ? Optional.of(tlsKey) : t.keyFile(),
                    tlsClientCa != null ? Optional.of(tlsClientCa) : t.clientCaFile(),
                    t.requireClientCert()));
        }
        return cfg;
    }

    private static int port(String flag, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 0 || value > 65535) {
            throw new ConfigException(flag + " must be from 0 to 65535, got " + value);
        }
        return value;
    }
}
