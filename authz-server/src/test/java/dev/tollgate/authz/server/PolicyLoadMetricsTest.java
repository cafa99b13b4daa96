package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.decision.CheckResponses;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tollgate_policy_loads_total} counts every load by result; {@code tollgate_policy_last_load_failed}
 * is 1 while a tenant's latest load failed, whether or not a last good policy still serves
 * ({@code tollgate_tenant_ready} tells the two apart). A bundle without a manifest revision is
 * {@code unrevised}.
 */
class PolicyLoadMetricsTest {
    @TempDir
    Path root;

    static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A one-file bundle archive (no manifest, so no revision). */
    static byte[] bundleWithoutRevision() throws Exception {
        byte[] rego = "package envoy.authz\n\nallow := true\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
        byte[] h = new byte[512];
        put(h, 0, "envoy/authz/policy.rego");
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", rego.length));
        put(h, 136, String.format("%011o", 1_700_000_000L));
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        tar.writeBytes(h);
        tar.writeBytes(java.util.Arrays.copyOf(rego, 512));
        tar.writeBytes(new byte[1024]);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(tar.toByteArray());
        }
        return out.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private static void assertSample(String body, String sample) {
        assertTrue(body.contains(sample + "\n"), "want " + sample + " in:\n" + body);
    }

    @Test
    void loadCountersAndTheLastLoadFailedGaugeFollowEveryLoad() throws Exception {
        Path policies = root.resolve("policies");
        write(policies.resolve("good/authz.rego"), "package envoy.authz\n\nallow := true\n");
        write(policies.resolve("broken/authz.rego"), "package envoy.authz\n\nallow := {\n");
        Path bundle = root.resolve("plain.tar.gz");
        Files.write(bundle, bundleWithoutRevision());
        Path config = root.resolve("tollgate.yaml");
        Files.writeString(config, """
                policies: {watch: false, poll_interval_ms: 3600000}
                tenants:
                  plain:
                    allow_anonymous: true
                    bundle: {path: %s}
                """.formatted(bundle));
        ServerConfig cfg = ServerConfig.load(Optional.of(config)).withPoliciesDir(policies);
        try (Tollgate tollgate = new Tollgate(cfg, Engines.of(new RegoEngine()), List.of())) {
            tollgate.loadTenants();
            String m = tollgate.metrics().scrape();
            assertSample(m, "tollgate_policy_loads_total{tenant=\"good\",result=\"success\"} 1");
            assertSample(m, "tollgate_policy_loads_total{tenant=\"good\",result=\"failure\"} 0");
            assertSample(m, "tollgate_policy_last_load_failed{tenant=\"good\"} 0");
            // never loaded: the latest load failed, and nothing serves
            assertSample(m, "tollgate_policy_loads_total{tenant=\"broken\",result=\"success\"} 0");
            assertSample(m, "tollgate_policy_loads_total{tenant=\"broken\",result=\"failure\"} 1");
            assertSample(m, "tollgate_policy_last_load_failed{tenant=\"broken\"} 1");
            assertSample(m, "tollgate_tenant_ready{tenant=\"broken\"} 0");
            assertSample(m, "tollgate_policy_loads_total{tenant=\"plain\",result=\"success\"} 1");

            assertEquals("unrevised", tollgate.registry().get("plain").orElseThrow().revision());
            CheckResponse r = tollgate.pipeline().check(Requests.check(null,
                    "spiffe://cluster.local/ns/plain/sa/api", Requests.http("GET", "/")).build(), Optional.empty());
            assertTrue(r.hasOkResponse(), r.toString());
            assertEquals("unrevised", r.getDynamicMetadata().getFieldsMap().get(CheckResponses.POLICY_REVISION)
                    .getStringValue());

            // a failed reload: the last good policy serves, and the gauge says the latest load failed
            write(policies.resolve("good/authz.rego"), "package envoy.authz\n\nallow := \n");
            tollgate.rescanPolicies();
            m = tollgate.metrics().scrape();
            assertSample(m, "tollgate_policy_loads_total{tenant=\"good\",result=\"success\"} 1");
            assertSample(m, "tollgate_policy_loads_total{tenant=\"good\",result=\"failure\"} 1");
            assertSample(m, "tollgate_policy_last_load_failed{tenant=\"good\"} 1");
            assertSample(m, "tollgate_tenant_ready{tenant=\"good\"} 1");

            // fixed: the gauge clears
            write(policies.resolve("good/authz.rego"), "package envoy.authz\n\nallow := false\n");
            tollgate.rescanPolicies();
            m = tollgate.metrics().scrape();
            assertSample(m, "tollgate_policy_loads_total{tenant=\"good\",result=\"success\"} 2");
            assertSample(m, "tollgate_policy_last_load_failed{tenant=\"good\"} 0");
        }
    }
}
