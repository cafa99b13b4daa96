package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.authz.telemetry.MetricsRegistry;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.tenant.TenantRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * HTTP admin listener: {@code GET /health} (liveness), {@code GET /ready} (all tenants loaded) and
 * {@code GET /metrics} (Prometheus text format 0.0.4).
 */
final class AdminServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static AdminServer start(InetSocketAddress address, TenantRegistry registry, MetricsRegistry metrics)
            throws IOException {
        return start(address, registry, metrics, java.util.Optional.empty());
    }

    static AdminServer start(InetSocketAddress address, TenantRegistry registry, MetricsRegistry metrics,
                             java.util.Optional<dev.tollgate.authz.identity.WorkloadApi> workloadApi)
            throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        server.createContext("/health", exchange -> {
            if (rejectNonGet(exchange)) {
                return;
            }
            respond(exchange, 200, "{\"status\":\"ok\"}");
        });
        server.createContext("/ready", exchange -> {
            if (rejectNonGet(exchange)) {
                return;
            }
            ObjectNode body = readiness(registry);
            workloadApi.ifPresent(api -> {
                var status = api.status();
                ObjectNode w = body.putObject("workload_api");
                w.put("spiffe_id", status.spiffeId());
                w.put("svid_expires", status.expires().toString());
                w.put("rotations", status.rotations());
                w.put("error", api.lastError().orElse(null));
            });
            respond(exchange, body.get("ready").booleanValue() ? 200 : 503, body.toString());
        });
        server.createContext("/metrics", exchange -> {
            if (rejectNonGet(exchange)) {
                return;
            }
            respond(exchange, 200, MetricsRegistry.CONTENT_TYPE, metrics.scrape());
        });
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tollgate-admin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new AdminServer(server, executor);
    }

    static ObjectNode readiness(TenantRegistry registry) {
        ObjectNode body = JSON.createObjectNode();
        body.put("ready", registry.allLoaded());
        ObjectNode tenants = body.putObject("tenants");
        for (String name : registry.names().stream().sorted().toList()) {
            ObjectNode t = tenants.putObject(name);
            Tenant tenant = registry.get(name).orElse(null);
            if (tenant == null) {
                t.putNull("engine");
                t.put("loaded", false);
                t.put("error", "not loaded yet");
                t.putNull("revision");
                continue;
            }
            if (tenant.engine().isPresent()) {
                t.put("engine", tenant.engine().get());
            } else {
                t.putNull("engine");
            }
            t.put("loaded", tenant.loaded());
            if (tenant.error().isPresent()) {
                t.put("error", tenant.error().get());
            } else {
                t.putNull("error");
            }
            t.put("revision", tenant.revision());
        }
        return body;
    }

    private static boolean rejectNonGet(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD")) {
            return false;
        }
        respond(exchange, 405, "{\"error\":\"method not allowed\"}");
        return true;
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        respond(exchange, status, "application/json", json);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }
}
