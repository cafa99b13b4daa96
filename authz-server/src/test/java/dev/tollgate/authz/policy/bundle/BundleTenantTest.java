package dev.tollgate.authz.policy.bundle;

import static dev.tollgate.authz.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.decision.CheckResponses;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.server.Tollgate;
import dev.tollgate.authz.server.TollgateServer;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tenants served from OPA bundles: signed over HTTP with ETags, from a folder, and compiled to wasm. */
class BundleTenantTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CALLER = "spiffe://cluster.local/ns/bank-c/sa/api-ms";
    static final String DESTINATION = "spiffe://cluster.local/ns/bank-c/sa/ledger-ms";

    @TempDir
    Path root;

    /** Bundle files; data and manifest in canonical JSON, as OPA hashes them. */
    static Map<String, String> files(String revision, String method) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("/.manifest", "{\"revision\":\"" + revision + "\",\"roots\":[\"envoy\"]}");
        files.put("/envoy/authz/policy.rego", "package envoy.authz\n\nallow if input.attributes.request.http.method == data.envoy.method\n");
        files.put("/envoy/data.json", "{\"method\":\"" + method + "\"}");
        return files;
    }

    static byte[] signedBundle(Map<String, String> signedFiles, Map<String, String> shippedFiles) {
        String token = TestSigner.token("ES256", "k1", TestSigner.payload(TestSigner.named(signedFiles), null));
        TarGz tar = TarGz.archive();
        shippedFiles.forEach(tar::file);
        tar.file("/.signatures.json", TestSigner.signaturesJson(token));
        return tar.build();
    }

    static CheckRequest check(String method) {
        return Requests.check(CALLER, DESTINATION, Requests.http(method, "/ledger")).build();
    }

    static String revision(CheckResponse r) {
        return r.getDynamicMetadata().getFieldsMap().get(CheckResponses.POLICY_REVISION).getStringValue();
    }

    @Test
    void signedHttpBundleServesKeepsTheLastGoodOnTamperingAndUpdates() throws Exception {
        AtomicReference<byte[]> served = new AtomicReference<>(signedBundle(files("r1", "GET"), files("r1", "GET")));
        AtomicReference<String> etag = new AtomicReference<>("\"r1\"");
        HttpServer bundles = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        bundles.createContext("/bundles/bank-c.tar.gz", exchange -> {
            String tag = etag.get();
            if (tag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                exchange.close();
                return;
            }
            byte[] body = served.get();
            exchange.getResponseHeaders().add("ETag", tag);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        bundles.start();
        Path policies = Files.createDirectories(root.resolve("policies"));
        String pem = TestSigner.pem(TestSigner.pair("ES256").getPublic()).indent(6);
        Path config = root.resolve("tollgate.yaml");
        Files.writeString(config, """
                grpc: {address: 127.0.0.1, port: 0}
                admin: {address: 127.0.0.1, port: 0}
                http: {address: 127.0.0.1, port: 0}
                tenants:
                  bank-c:
                    entrypoint: envoy/authz/allow
                    bundle:
                      url: http://127.0.0.1:%d/bundles/bank-c.tar.gz
                      polling: {min_delay_seconds: 1, max_delay_seconds: 1}
                      signing: {keyid: k1}
                keys:
                  k1:
                    algorithm: ES256
                    key: |
                %s""".formatted(bundles.getAddress().getPort(), pem));
        ServerConfig cfg = ServerConfig.load(Optional.of(config)).withPoliciesDir(policies);
        TollgateServer server = TollgateServer.start(cfg, Engines.of(new RegoEngine(), new WasmEngine(2, Duration.ofSeconds(5))),
                List.of());
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.grpcPort(),
                InsecureChannelCredentials.create()).build();
        HttpClient http = HttpClient.newHttpClient();
        try {
            Tollgate tollgate = server.tollgate();
            var authz = AuthorizationGrpc.newBlockingStub(channel);
            CheckResponse get = authz.check(check("GET"));
            assertTrue(get.hasOkResponse(), get.toString());
            assertEquals("r1", revision(get));
            assertFalse(authz.check(check("POST")).hasOkResponse());
            JsonNode ready = ready(http, server);
            assertTrue(ready.get("ready").asBoolean(), ready.toString());
            assertEquals("r1", ready.at("/tenants/bank-c/revision").asText());
            assertEquals("rego", ready.at("/tenants/bank-c/engine").asText());

            // Tampered: the policy now allows every method, the signature still lists the old digest.
            Map<String, String> tampered = files("r1", "GET");
            tampered.put("/envoy/authz/policy.rego", "package envoy.authz\n\nallow := true\n");
            served.set(signedBundle(files("r1", "GET"), tampered));
            etag.set("\"tampered\"");
            await(() -> tollgate.reloadStats().failures() >= 1, "the tampered bundle to be refused");
            Tenant c = tollgate.registry().get("bank-c").orElseThrow();
            assertTrue(c.loaded());
            assertEquals("r1", c.revision());
            assertTrue(c.error().orElseThrow().contains("envoy/authz/policy.rego"), c.error().orElseThrow());
            assertFalse(authz.check(check("POST")).hasOkResponse(), "the tampered policy never serves");
            ready = ready(http, server);
            assertTrue(ready.get("ready").asBoolean(), "the last good bundle keeps the server ready");
            assertTrue(ready.at("/tenants/bank-c/error").asText().contains("policy.rego"), ready.toString());

            // A good new revision replaces it.
            served.set(signedBundle(files("r2", "POST"), files("r2", "POST")));
            etag.set("\"r2\"");
            await(() -> tollgate.registry().get("bank-c").orElseThrow().revision().equals("r2"), "revision r2");
            CheckResponse post = authz.check(check("POST"));
            assertTrue(post.hasOkResponse(), post.toString());
            assertEquals("r2", revision(post));
            assertTrue(tollgate.registry().get("bank-c").orElseThrow().error().isEmpty());
            assertEquals(Optional.of("r2"), tollgate.reloadStats().tenants().get("bank-c").revision());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdown();
            bundles.stop(0);
        }
    }

    static JsonNode ready(HttpClient http, TollgateServer server) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.adminPort() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @Test
    void aFolderWithAManifestIsABundleAndAWasmBundleUsesTheWasmEngine() throws Exception {
        Path policies = root.resolve("policies");
        Map<String, String> folder = files("folder-7", "GET");
        for (Map.Entry<String, String> f : folder.entrySet()) {
            Path file = policies.resolve("bank-c" + f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        Files.writeString(policies.resolve("bank-c/tenant.yaml"), "entrypoint: envoy/authz/allow\n");
        byte[] wasm;
        try (InputStream in = com.styra.opa.wasm.OpaPolicy.class.getResourceAsStream("/demo-policy.wasm")) {
            wasm = in.readAllBytes();
        }
        Path wasmBundle = root.resolve("w.tar.gz");
        Files.write(wasmBundle, TarGz.archive()
                .file("/.manifest", "{\"revision\":\"w1\",\"wasm\":[{\"entrypoint\":\"opa/wasm/test/allowed\","
                        + "\"module\":\"/policy.wasm\"}]}")
                .file("/policy.wasm", wasm)
                .file("/data.json", "{\"role\":{\"alice\":\"admin\"}}")
                .build());
        Path config = root.resolve("tollgate.yaml");
        Files.writeString(config, """
                tenants:
                  bank-w:
                    entrypoint: opa/wasm/test/allowed
                    allow_anonymous: true
                    bundle:
                      path: %s
                """.formatted(wasmBundle));
        ServerConfig cfg = ServerConfig.load(Optional.of(config)).withPoliciesDir(policies);
        try (Tollgate tollgate = new Tollgate(cfg, Engines.of(new RegoEngine(), new WasmEngine(2, Duration.ofSeconds(5))),
                List.of())) {
            tollgate.loadTenants();
            Tenant c = tollgate.registry().get("bank-c").orElseThrow();
            assertTrue(c.loaded(), c.error().orElse(""));
            assertEquals("folder-7", c.revision());
            assertEquals(Optional.of("rego"), c.engine());
            assertTrue(tollgate.pipeline().check(check("GET"), Optional.empty()).hasOkResponse());
            Tenant w = tollgate.registry().get("bank-w").orElseThrow();
            assertTrue(w.loaded(), w.error().orElse(""));
            assertEquals("w1", w.revision());
            assertEquals(Optional.of("wasm"), w.engine());
            var result = w.policy().orElseThrow().evaluate(dev.tollgate.rego.value.Json.parse("{\"user\":\"alice\"}"));
            assertEquals("true", ((dev.tollgate.authz.engine.EvalResult.Defined) result).value().toString());
            assertTrue(tollgate.registry().allLoaded());
        }
    }

    @Test
    void bundleDataAtARulePathIsAConflict() throws Exception {
        Path file = root.resolve("c.tar.gz");
        Files.write(file, TarGz.archive()
                .file("/.manifest", "{\"revision\":\"c1\"}")
                .file("/envoy/authz/policy.rego", "package envoy.authz\n\nallow := true\n")
                .file("/envoy/authz/allow/data.json", "{\"x\": 1}")
                .build());
        Path config = root.resolve("tollgate.yaml");
        Files.writeString(config, "tenants:\n  bank-c:\n    bundle: {path: " + file + "}\n");
        ServerConfig cfg = ServerConfig.load(Optional.of(config)).withPoliciesDir(Files.createDirectories(root.resolve("p")));
        try (Tollgate tollgate = new Tollgate(cfg, Engines.of(new RegoEngine()), List.of())) {
            tollgate.loadTenants();
            Tenant c = tollgate.registry().get("bank-c").orElseThrow();
            assertFalse(c.loaded());
            assertTrue(c.error().orElseThrow().contains("conflicting rule"), c.error().orElseThrow());
            assertFalse(tollgate.registry().allLoaded());
            assertEquals(1, tollgate.reloadStats().failures());
        }
    }
}
