package dev.tollgate.authz.policy.bundle;

import static dev.tollgate.authz.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.server.Tollgate;
import dev.tollgate.authz.server.TollgateServer;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles whose entries sit thousands of folders deep (the long name in a PAX record): refused
 * with a clear reason at start and on reload, while folder tenants beside them keep serving and
 * the poller keeps polling.
 */
class DeepBundleTest {
    private static final String DEEP_REFUSAL = "entry name is longer than 4096 bytes";

    @TempDir
    Path root;

    /** A folder path of {@code depth} one-letter segments. */
    static String folders(int depth) {
        return "/" + "a/".repeat(depth);
    }

    static byte[] deepBundle(int depth, int files) {
        TarGz t = TarGz.archive().file("/.manifest", "{\"revision\":\"deep\"}");
        for (int i = 0; i < files; i++) {
            t.file(folders(depth) + "f" + i + "/data.json", "{\"x\":" + i + "}");
        }
        return t.build();
    }

    static byte[] goodBundle(String revision) {
        return TarGz.archive()
                .file("/.manifest", "{\"revision\":\"" + revision + "\",\"roots\":[\"envoy\"]}")
                .file("/envoy/authz/policy.rego", "package envoy.authz\n\nallow := true\n")
                .build();
    }

    @Test
    void entriesTooDeepOrTooLongAreRefusedByName() {
        BundleLoader loader = new BundleLoader(BundleOptions.DEFAULT);
        for (int files : new int[] {1, 2}) {
            // 2,000 folders fit in 4,096 bytes: refused for depth; 4,000 (8 KB) for length
            BundleException deep = assertThrows(BundleException.class,
                    () -> loader.loadArchive(deepBundle(2000, files), "deep"));
            assertTrue(deep.getMessage().contains("entry sits 2001 folders deep; at most 128 are allowed"),
                    deep.getMessage());
            BundleException e = assertThrows(BundleException.class,
                    () -> loader.loadArchive(deepBundle(4000, files), "deep"));
            assertTrue(e.getMessage().contains("entry name is longer than 4096 bytes"), e.getMessage());
            for (BundleException x : List.of(deep, e)) {
                assertTrue(x.entry().orElseThrow().startsWith("/a/a/a/"), x.getMessage());
                assertTrue(x.getMessage().length() < 400, "the entry name is shortened in messages");
            }
        }
        BundleException tooDeep = assertThrows(BundleException.class,
                () -> loader.loadArchive(deepBundle(128, 1), "deep"));
        assertTrue(tooDeep.getMessage().contains("129 folders deep"), tooDeep.getMessage());
        String longName = "/" + "x".repeat(4100) + "/data.json";
        BundleException tooLong = assertThrows(BundleException.class,
                () -> loader.loadArchive(TarGz.archive().file(longName, "{}").build(), "long"));
        assertTrue(tooLong.getMessage().contains("entry name is longer than 4096 bytes"), tooLong.getMessage());
    }

    @Test
    void theDeepestAllowedEntriesMergeAndCopy() throws Exception {
        Bundle b = new BundleLoader(BundleOptions.DEFAULT).loadArchive(deepBundle(127, 2), "deep");
        JsonNode node = b.data();
        for (int i = 0; i < 127; i++) {
            node = node.get("a");
        }
        assertEquals(0, node.at("/f0/x").asInt());
        assertEquals(1, node.at("/f1/x").asInt());
        List<String> path = new java.util.ArrayList<>(java.util.Collections.nCopies(127, "a"));
        path.add("f1");
        assertEquals(1, b.dataAt(path).orElseThrow().get("x").asInt());
    }

    @Test
    void copiesDoNotRecurse() {
        ObjectNode top = JsonNodeFactory.instance.objectNode();
        ObjectNode cursor = top;
        for (int i = 0; i < 200_000; i++) {
            cursor = i % 2 == 0 ? cursor.putObject("o") : cursor.putArray("a").addObject();
        }
        cursor.put("leaf", 7);
        JsonNode copy = JsonTrees.copy(top);
        JsonNode a = top;
        JsonNode c = copy;
        for (int i = 0; i < 200_000; i++) {
            assertTrue(a != c, "a copy, not the same node, at depth " + i);
            a = i % 2 == 0 ? a.get("o") : a.get("a").get(0);
            c = i % 2 == 0 ? c.get("o") : c.get("a").get(0);
        }
        assertEquals(7, c.get("leaf").asInt());
        ((ObjectNode) c).put("leaf", 8);
        assertEquals(7, a.get("leaf").asInt(), "changing the copy leaves the original alone");
    }

    private Path config(Path bundle) throws Exception {
        Path policies = Files.createDirectories(root.resolve("policies/bank-a"));
        Files.writeString(policies.resolve("authz.rego"), "package envoy.authz\n\nallow := true\n");
        Path config = root.resolve("tollgate.yaml");
        Files.writeString(config, """
                grpc: {address: 127.0.0.1, port: 0}
                admin: {address: 127.0.0.1, port: 0}
                policies: {watch: false, poll_interval_ms: 60000}
                tenants:
                  bank-c:
                    entrypoint: envoy/authz/allow
                    allow_anonymous: true
                    bundle:
                      path: %s
                      polling: {min_delay_seconds: 1, max_delay_seconds: 1}
                """.formatted(bundle));
        return config;
    }

    private static void write(Path file, byte[] bytes, int second) throws Exception {
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_700_000_000L + second)));
    }

    private static CheckRequest check(String tenant) {
        return Requests.check("spiffe://cluster.local/ns/" + tenant + "/sa/api",
                "spiffe://cluster.local/ns/" + tenant + "/sa/ledger", Requests.http("GET", "/x")).build();
    }

    @Test
    void aDeepBundleAtStartIsAFailedLoadAndALaterGoodOneLoads() throws Exception {
        Path bundle = root.resolve("c.tar.gz");
        write(bundle, deepBundle(4000, 2), 1);
        ServerConfig cfg = ServerConfig.load(Optional.of(config(bundle))).withPoliciesDir(root.resolve("policies"));
        TollgateServer server = TollgateServer.start(cfg, Engines.of(new RegoEngine()), List.of());
        try {
            Tollgate tollgate = server.tollgate();
            Tenant c = tollgate.registry().get("bank-c").orElseThrow();
            assertFalse(c.loaded());
            assertTrue(c.error().orElseThrow().contains(DEEP_REFUSAL), c.error().orElseThrow());
            assertTrue(tollgate.reloadStats().failures() >= 1);
            JsonNode ready = BundleTenantTest.ready(HttpClient.newHttpClient(), server);
            assertFalse(ready.get("ready").asBoolean(), ready.toString());
            assertTrue(ready.at("/tenants/bank-c/error").asText().contains(DEEP_REFUSAL), ready.toString());
            assertTrue(ready.at("/tenants/bank-a/loaded").asBoolean(), ready.toString());
            assertTrue(tollgate.pipeline().check(check("bank-a"), Optional.empty()).hasOkResponse(),
                    "the folder tenant beside it serves");

            write(bundle, goodBundle("c2"), 2);
            await(() -> tollgate.registry().get("bank-c").orElseThrow().loaded(), "the poller to load the good bundle");
            assertEquals("c2", tollgate.registry().get("bank-c").orElseThrow().revision());
            assertTrue(tollgate.pipeline().check(check("bank-c"), Optional.empty()).hasOkResponse());
        } finally {
            server.shutdown();
        }
    }

    @Test
    void aDeepBundleOnReloadKeepsTheLastGoodAndThePollerAlive() throws Exception {
        Path bundle = root.resolve("c.tar.gz");
        write(bundle, goodBundle("c1"), 1);
        ServerConfig cfg = ServerConfig.load(Optional.of(config(bundle))).withPoliciesDir(root.resolve("policies"));
        TollgateServer server = TollgateServer.start(cfg, Engines.of(new RegoEngine()), List.of());
        try {
            Tollgate tollgate = server.tollgate();
            assertEquals("c1", tollgate.registry().get("bank-c").orElseThrow().revision());
            long failures = tollgate.reloadStats().failures();

            write(bundle, deepBundle(4000, 2), 2);
            await(() -> tollgate.reloadStats().failures() > failures, "the deep bundle to count as a failed load");
            Tenant c = tollgate.registry().get("bank-c").orElseThrow();
            assertTrue(c.loaded());
            assertEquals("c1", c.revision());
            assertTrue(c.error().orElseThrow().contains(DEEP_REFUSAL), c.error().orElseThrow());
            JsonNode ready = BundleTenantTest.ready(HttpClient.newHttpClient(), server);
            assertTrue(ready.get("ready").asBoolean(), ready.toString());
            assertTrue(ready.at("/tenants/bank-c/error").asText().contains(DEEP_REFUSAL), ready.toString());
            assertTrue(tollgate.pipeline().check(check("bank-a"), Optional.empty()).hasOkResponse());
            assertTrue(tollgate.pipeline().check(check("bank-c"), Optional.empty()).hasOkResponse());

            write(bundle, goodBundle("c3"), 3);
            await(() -> tollgate.registry().get("bank-c").orElseThrow().revision().equals("c3"),
                    "the poller, still alive, to load c3");
            assertTrue(tollgate.registry().get("bank-c").orElseThrow().error().isEmpty());
        } finally {
            server.shutdown();
        }
    }
}
