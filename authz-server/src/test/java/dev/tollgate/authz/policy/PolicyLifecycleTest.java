package dev.tollgate.authz.policy;

import static dev.tollgate.authz.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.tenant.Tenant;
import dev.tollgate.authz.tenant.TenantLoader;
import dev.tollgate.authz.tenant.TenantRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyLifecycleTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ReloadOptions MANUAL = new ReloadOptions(false, Duration.ZERO, Duration.ofHours(1));

    @TempDir
    Path root;
    TenantRegistry registry;
    PolicyLifecycle lifecycle;
    final AtomicInteger changes = new AtomicInteger();

    static String policy(String value) {
        return "package envoy.authz\n\nallow := " + value + "\n";
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    PolicyLifecycle start(Path policies, ReloadOptions options) {
        registry = new TenantRegistry(TenantLoader.tenantNames(policies));
        lifecycle = new PolicyLifecycle(policies, new TenantLoader(Engines.of(new RegoEngine())), registry, options,
                List.of(), changes::incrementAndGet, Clock.systemUTC());
        lifecycle.loadAll();
        return lifecycle;
    }

    @AfterEach
    void stop() {
        if (lifecycle != null) {
            lifecycle.close();
        }
    }

    String decide(String tenant) throws Exception {
        Tenant t = registry.get(tenant).orElseThrow();
        assertTrue(t.loaded(), t.error().orElse(""));
        EvalResult r = t.policy().orElseThrow().evaluate(dev.tollgate.rego.value.Json.parse("{}"));
        return assertInstanceOf(EvalResult.Defined.class, r, r.toString()).value().toString();
    }

    Path twoTenants() throws IOException {
        Path p = root.resolve("policies");
        write(p.resolve("a/authz.rego"), policy("\"a1\""));
        write(p.resolve("b/authz.rego"), policy("\"b1\""));
        write(p.resolve("shared/lib.rego"), "package shared.lib\n\nx := 1\n");
        return p;
    }

    @Test
    void aChangedPolicyIsRecompiledAndSwappedIn() throws Exception {
        Path p = twoTenants();
        start(p, MANUAL);
        String before = registry.get("a").orElseThrow().revision();
        assertEquals("\"a1\"", decide("a"));
        write(p.resolve("a/authz.rego"), policy("\"a2\""));
        lifecycle.rescan();
        assertEquals("\"a2\"", decide("a"));
        assertEquals("\"b1\"", decide("b"));
        ReloadStats s = lifecycle.stats();
        assertEquals(3, s.successes());
        assertEquals(0, s.failures());
        assertEquals(2, s.tenants().get("a").successes());
        assertEquals(1, s.tenants().get("b").successes());
        String after = registry.get("a").orElseThrow().revision();
        assertFalse(before.equals(after));
        assertEquals(after, s.tenants().get("a").revision().orElseThrow());
        assertTrue(s.lastReload().isPresent());
    }

    @Test
    void anUnchangedTenantIsNotRecompiled() throws Exception {
        Path p = twoTenants();
        start(p, MANUAL);
        Tenant a = registry.get("a").orElseThrow();
        lifecycle.rescan();
        assertTrue(a == registry.get("a").orElseThrow(), "same snapshot, no recompilation");
        assertEquals(2, lifecycle.stats().successes());
    }

    @Test
    void aSharedLibraryChangeReloadsEveryTenant() throws Exception {
        Path p = twoTenants();
        start(p, MANUAL);
        write(p.resolve("shared/lib.rego"), "package shared.lib\n\nx := 2\n");
        lifecycle.rescan();
        assertEquals(2, lifecycle.stats().tenants().get("a").successes());
        assertEquals(2, lifecycle.stats().tenants().get("b").successes());
    }

    static Stream<Arguments> brokenReloads() {
        return Stream.of(
                Arguments.of("authz.rego", "package envoy.authz\n\nallow := {\n", "rego_parse_error"),
                Arguments.of("authz.rego", "package envoy.authz\n\nallow := \"x\"\n\nallow := \"y\"\n\ndefault allow := 1\n\ndefault allow := 2\n",
                        "a/authz.rego:"),
                Arguments.of("authz.rego", "package envoy.authz\n\nallow := nope(1)\n", "undefined function nope"),
                Arguments.of("data.json", "{\"k\": [1, 2", "data.json: does not parse"),
                Arguments.of("data.json", "[1]", "top level must be an object"),
                Arguments.of("tenant.yaml", "entrypoint: 42\n", "key 'entrypoint'"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("brokenReloads")
    void aFailedReloadKeepsTheLastGoodPolicyAndReportsTheError(String file, String content, String error)
            throws Exception {
        Path p = twoTenants();
        start(p, MANUAL);
        Tenant good = registry.get("a").orElseThrow();
        write(p.resolve("a").resolve(file), content);
        lifecycle.rescan();
        Tenant now = registry.get("a").orElseThrow();
        assertTrue(now.loaded());
        assertTrue(now.policy().orElseThrow() == good.policy().orElseThrow(), "the last good policy keeps serving");
        assertEquals(good.revision(), now.revision());
        assertTrue(now.error().orElseThrow().contains(error), now.error().orElseThrow());
        assertEquals("\"a1\"", decide("a"));
        assertTrue(registry.allLoaded(), "ready stays true while a last good policy serves");
        ReloadStats s = lifecycle.stats();
        assertEquals(1, s.failures());
        assertEquals(1, s.tenants().get("a").failures());
        assertTrue(s.lastError().orElseThrow().startsWith("a: "), s.lastError().orElseThrow());
        assertEquals(good.revision(), s.tenants().get("a").revision().orElseThrow());
        // Other tenants are untouched.
        assertEquals("\"b1\"", decide("b"));
        assertTrue(registry.get("b").orElseThrow().error().isEmpty());
        // Fixing it clears the error.
        Files.delete(p.resolve("a").resolve(file));
        write(p.resolve("a/authz.rego"), policy("\"a3\""));
        lifecycle.rescan();
        assertEquals("\"a3\"", decide("a"));
        assertTrue(registry.get("a").orElseThrow().error().isEmpty());
        assertTrue(lifecycle.stats().tenants().get("a").lastError().isEmpty());
    }

    @Test
    void aNewFolderIsLoadedAndARemovedOneUnloaded() throws Exception {
        Path p = twoTenants();
        start(p, MANUAL);
        write(p.resolve("c/authz.rego"), policy("\"c1\""));
        lifecycle.rescan();
        assertEquals("\"c1\"", decide("c"));
        assertTrue(registry.names().contains("c"));
        try (Stream<Path> files = Files.walk(p.resolve("b"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        lifecycle.rescan();
        assertFalse(registry.names().contains("b"));
        assertTrue(registry.get("b").isEmpty());
        assertFalse(lifecycle.stats().tenants().containsKey("b"));
        assertTrue(registry.allLoaded());
    }

    @Test
    void aLoadThatThrowsAnErrorIsAFailedLoadAndTheScanGoesOn() throws Exception {
        Path p = twoTenants();
        AtomicInteger throwsLeft = new AtomicInteger(1);
        TenantActivator throwing = new TenantActivator() {
            @Override
            public Tenant activate(Tenant loaded) {
                if (loaded.name().equals("a") && throwsLeft.getAndDecrement() > 0) {
                    throw new StackOverflowError("activating a");
                }
                return loaded;
            }

            @Override
            public void deactivate(String name) {
            }
        };
        registry = new TenantRegistry(TenantLoader.tenantNames(p));
        lifecycle = new PolicyLifecycle(p, new TenantLoader(Engines.of(new RegoEngine())), registry, MANUAL,
                List.of(), changes::incrementAndGet, throwing, Clock.systemUTC());
        lifecycle.loadAll();
        Tenant a = registry.get("a").orElseThrow();
        assertFalse(a.loaded());
        assertTrue(a.error().orElseThrow().contains("StackOverflowError"), a.error().orElseThrow());
        assertEquals("\"b1\"", decide("b"), "the tenant after it in the scan loaded");
        assertEquals(1, lifecycle.stats().failures());
        write(p.resolve("a/authz.rego"), policy("\"a2\""));
        lifecycle.rescan();
        assertEquals("\"a2\"", decide("a"));
    }

    @Test
    void aNewTenantThatDoesNotCompileIsNotReady() throws Exception {
        Path p = twoTenants();
        start(p, MANUAL);
        write(p.resolve("c/authz.rego"), "package envoy.authz\n\nallow := {\n");
        lifecycle.rescan();
        assertFalse(registry.get("c").orElseThrow().loaded());
        assertFalse(registry.allLoaded());
        assertEquals("\"a1\"", decide("a"));
    }

    @Test
    void nestedDataFilesSitAtTheirDirectoryPath() throws Exception {
        Path p = root.resolve("policies");
        write(p.resolve("a/authz.rego"), "package envoy.authz\n\nallow := [data.top, data.x.y.v, data.x.z]\n");
        write(p.resolve("a/data.json"), "{\"top\": 1, \"x\": {\"z\": 3}}");
        write(p.resolve("a/x/y/data.yaml"), "v: 2\n");
        start(p, MANUAL);
        assertEquals("[1,2,3]", decide("a"));
    }

    @Test
    void tenantsAreIsolated() throws Exception {
        Path p = root.resolve("policies");
        // a keeps a secret in its data and defines a helper package; b tries to read both.
        write(p.resolve("a/authz.rego"), "package envoy.authz\n\nallow := data.secret\n");
        write(p.resolve("a/helper.rego"), "package helper\n\nvalue := \"from a\"\n");
        write(p.resolve("a/data.json"), "{\"secret\": \"a-only\"}");
        write(p.resolve("b/authz.rego"), "package envoy.authz\n\nallow := [secret, helper]\n\n"
                + "default secret := \"none\"\n\nsecret := data.secret\n\n"
                + "default helper := \"none\"\n\nhelper := data.helper.value\n");
        write(p.resolve("b/helper.rego"), "package shared.lib\n\nx := \"b redefines nothing of a\"\n");
        write(p.resolve("shared/lib.rego"), "package shared.lib\n\ny := 1\n");
        start(p, MANUAL);
        assertEquals("\"a-only\"", decide("a"));
        assertEquals("[\"none\",\"none\"]", decide("b"));
        assertTrue(registry.get("a").orElseThrow().policy().orElseThrow()
                != registry.get("b").orElseThrow().policy().orElseThrow());
    }

    @Test
    void watcherReloadsAfterTheDebounce() throws Exception {
        Path p = twoTenants();
        start(p, new ReloadOptions(true, Duration.ofMillis(200), Duration.ofHours(1)));
        lifecycle.start();
        // A burst of writes, as an editor or a deploy makes them, ends in one reload.
        for (int i = 2; i <= 6; i++) {
            write(p.resolve("a/authz.rego"), policy("\"a" + i + "\""));
        }
        await(() -> lifecycle.stats().tenants().get("a").successes() >= 2, "the watcher's reload");
        assertEquals("\"a6\"", decide("a"));
        assertEquals(2, lifecycle.stats().tenants().get("a").successes());
    }

    /**
     * A Kubernetes ConfigMap volume: files are links through {@code ..data} to a timestamped
     * directory, and an update swaps {@code ..data} atomically. No watched file changes.
     */
    static Path configMapTenant(Path tenantDir, String version, String policy) throws IOException {
        Path versionDir = tenantDir.resolve("..2026_11_29_" + version);
        write(versionDir.resolve("authz.rego"), policy);
        write(versionDir.resolve("data.json"), "{\"v\": \"" + version + "\"}");
        Path tmp = tenantDir.resolve("..data_tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, versionDir.getFileName());
        Files.move(tmp, tenantDir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String f : List.of("authz.rego", "data.json")) {
            if (!Files.exists(tenantDir.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(tenantDir.resolve(f), Path.of("..data").resolve(f));
            }
        }
        return versionDir;
    }

    @ParameterizedTest(name = "watch={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aConfigMapLinkSwapIsPickedUp(boolean watch) throws Exception {
        Path p = root.resolve("policies");
        Path a = p.resolve("a");
        Files.createDirectories(a);
        configMapTenant(a, "v1", "package envoy.authz\n\nallow := data.v\n");
        start(p, new ReloadOptions(watch, Duration.ofMillis(100), Duration.ofMillis(watch ? 3_600_000 : 200)));
        assertEquals("\"v1\"", decide("a"), "the timestamped directory is not read as a second copy");
        lifecycle.start();
        configMapTenant(a, "v2", "package envoy.authz\n\nallow := data.v\n");
        await(() -> lifecycle.stats().tenants().get("a").successes() >= 2, "the link swap to be noticed");
        assertEquals("\"v2\"", decide("a"));
        assertEquals(0, lifecycle.stats().failures());
    }
}
